package io.portcullis.audit.verify;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The offline verifier of audit exports: needs neither the service nor its database.
 *
 * <pre>
 * java -cp 'quarkus-app/app/*:quarkus-app/lib/main/*' io.portcullis.audit.verify.VerifyMain \
 *     verify export.jsonl [next.jsonl…] --public-key audit-signing.pem.pub [--public-key older.pub]…
 *     [--allow-unsigned-tail]
 * </pre>
 *
 * Several files (archived spans, exports of adjacent ranges) are verified as one ledger: each must
 * start where the one before ended.
 *
 * <p>Strict by default: exits 0 ({@code intact: …}) only when the chain is intact and every event
 * is covered by a checkpoint signed by a given key; 1 ({@code first bad seq: n: reason}) when
 * something was tampered with; 2 for usage errors and unreadable files; 3 ({@code unsigned: …})
 * when the chain is intact but events after the last checkpoint (or all of them, with none) are
 * vouched for by no key, since anyone can re-hash a forged chain. {@code --allow-unsigned-tail}
 * accepts those (exit 0) and prints how many there are. {@code -} reads the export from standard
 * input.
 */
public final class VerifyMain {

  private VerifyMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> files = new ArrayList<>();
    List<String> keyFiles = new ArrayList<>();
    boolean allowUnsignedTail = false;
    if (args.length == 0 || !"verify".equals(args[0])) {
      return usage(err, args.length == 0 ? null : "unknown command '" + args[0] + "'");
    }
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--public-key") || a.equals("-k")) {
        if (i + 1 >= args.length) {
          return usage(err, a + " needs a file");
        }
        keyFiles.add(args[++i]);
      } else if (a.equals("--allow-unsigned-tail")) {
        allowUnsignedTail = true;
      } else if (a.startsWith("--public-key=")) {
        keyFiles.add(a.substring("--public-key=".length()));
      } else if (a.startsWith("-") && !a.equals("-")) {
        return usage(err, "unknown option " + a);
      } else {
        files.add(a);
      }
    }
    if (files.isEmpty()) {
      return usage(err, "no export file given");
    }
    if (keyFiles.isEmpty()) {
      return usage(
          err,
          "no --public-key given: checkpoints cannot be verified without the signer's public key"
              + " (GET /api/v1/audit/public-keys)");
    }
    Map<String, PublicKey> keys = PublicKeyFiles.read(keyFiles, err).orElse(null);
    if (keys == null) {
      return ExportVerifier.USAGE;
    }
    ExportVerifier v = new ExportVerifier(keys);
    for (String file : files) {
      String name = files.size() == 1 ? "the export" : file;
      // bytes, not characters: the verifier splits and hashes lines straight from them, and
      // decodes (strictly, as UTF-8) only the lines it has to read in full
      try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
        if (!v.file(name, in)) {
          break;
        }
      } catch (NoSuchFileException e) {
        err.println("error: the export file " + file + " does not exist");
        return ExportVerifier.USAGE;
      } catch (IOException e) {
        err.println("error: cannot read " + file + ": " + e.getMessage());
        return ExportVerifier.USAGE;
      } catch (ExportVerifier.MalformedExport e) {
        err.println("error: " + file + " is not an audit export: " + e.getMessage());
        return ExportVerifier.USAGE;
      }
    }
    ExportVerifier.Report r = v.report();
    out.println(r.summary(allowUnsignedTail));
    if (files.size() > 1 && r.intact()) {
      out.println("(" + files.size() + " files, each continuing the one before)");
    }
    return r.exitCode(allowUnsignedTail);
  }

  private static int usage(PrintStream err, String problem) {
    if (problem != null) {
      err.println("error: " + problem);
    }
    err.println(
        "usage: verify <export.jsonl | -> [<next.jsonl>...] --public-key <key.pub>"
            + " [--public-key <older.pub>]... [--allow-unsigned-tail]");
    err.println(
        "  Checks an audit export (GET /api/v1/audit/export) offline: the hash chain, every signed");
    err.println(
        "  checkpoint, and that nothing announced is missing. Several files (archived spans, in");
    err.println(
        "  ledger order) must each continue the one before. Exit codes: 0 intact and every");
    err.println(
        "  event covered by a signed checkpoint, 1 tampered, 2 usage or I/O error, 3 intact but");
    err.println("  with events no checkpoint covers (--allow-unsigned-tail accepts them: exit 0).");
    return ExportVerifier.USAGE;
  }
}
