package io.portcullis.review.evidence.verify;

import io.portcullis.audit.verify.PublicKeyFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipException;

/**
 * {@code make verify-pack}: verifies an evidence pack offline.
 *
 * <pre>
 * java -Xmx64m -cp 'quarkus-app/app/*:quarkus-app/lib/main/*' \
 *     io.portcullis.review.evidence.verify.VerifyPackMain pack.zip --public-key audit.pub [--json]
 * </pre>
 *
 * Exit codes: 0 intact, 1 not intact (the first problem is named), 2 usage or a file that cannot be
 * read.
 */
public final class VerifyPackMain {

  private VerifyPackMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    String pack = null;
    List<String> keyFiles = new ArrayList<>();
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--public-key") || a.equals("-k")) {
        if (i + 1 >= args.length) {
          return usage(err, a + " needs a file");
        }
        keyFiles.add(args[++i]);
      } else if (a.startsWith("--public-key=")) {
        keyFiles.add(a.substring("--public-key=".length()));
      } else if (a.equals("--json")) {
        json = true;
      } else if (a.startsWith("-")) {
        return usage(err, "unknown option " + a);
      } else if (pack == null) {
        pack = a;
      } else {
        return usage(err, "one pack at a time (" + pack + ", then " + a + ")");
      }
    }
    if (pack == null) {
      return usage(err, "no pack given");
    }
    if (keyFiles.isEmpty()) {
      return usage(
          err,
          "no --public-key given: the pack is trusted only if it is signed by a key you got from"
              + " the service itself (GET /api/v1/audit/public-keys), not the keys/ inside the pack");
    }
    Map<String, PublicKey> keys = PublicKeyFiles.read(keyFiles, err).orElse(null);
    if (keys == null) {
      return PackReport.USAGE;
    }
    PackReport r;
    try {
      r = PackVerifier.verify(Path.of(pack), keys);
    } catch (NoSuchFileException e) {
      err.println("error: the pack " + pack + " does not exist");
      return PackReport.USAGE;
    } catch (ZipException e) {
      err.println("error: " + pack + " is not a ZIP file: " + e.getMessage());
      return PackReport.USAGE;
    } catch (IOException e) {
      err.println("error: cannot read " + pack + ": " + e.getMessage());
      return PackReport.USAGE;
    }
    out.print(json ? r.json() : r.human());
    return r.exitCode();
  }

  private static int usage(PrintStream err, String problem) {
    err.println("error: " + problem);
    err.println(
        "usage: VerifyPackMain <pack.zip> --public-key <audit.pub> [--public-key <older.pub>]... [--json]");
    err.println(
        "  Checks an evidence pack offline: the manifest's signature by a key you give, every");
    err.println(
        "  file's SHA-256, the ledger extract's chain and signed checkpoints, and every CSV row");
    err.println(
        "  recomputed from the ledger extract. Exit codes: 0 intact, 1 not intact (the first");
    err.println("  problem is named), 2 usage or I/O error.");
    return PackReport.USAGE;
  }
}
