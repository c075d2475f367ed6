package io.portcullis.review.evidence.verify;

import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.verify.ExportVerifier;
import io.portcullis.catalog.load.PolicyFiles;
import io.portcullis.review.evidence.EvidencePack;
import io.portcullis.review.evidence.PackManifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reading a pack's entries for the verifier: the file list against the manifest, hashes, small text
 * entries, streams that hash as they are read, and the ledger extract's range against the manifest.
 */
final class PackEntries {

  private PackEntries() {}

  /** Files every pack carries besides the policy folder and keys. */
  static final List<String> REQUIRED =
      List.of(
          EvidencePack.ACTIVITY,
          EvidencePack.POPULATION,
          EvidencePack.DECISIONS,
          EvidencePack.REMEDIATION,
          EvidencePack.EXCEPTIONS,
          EvidencePack.LEDGER,
          EvidencePack.POLICY_EVENTS,
          EvidencePack.SUMMARY_HTML,
          EvidencePack.SUMMARY_PDF);

  /** Files whose hash is taken while the ledger pass reads them, not in a pass of their own. */
  static final List<String> STREAMED = List.of(EvidencePack.LEDGER, EvidencePack.ACTIVITY);

  static final int MAX_SMALL_FILE = 64 * 1024 * 1024;

  /** Every entry listed once, every listed file present with its hash; null when so. */
  static String files(ZipFile zip, PackManifest m) throws IOException {
    Set<String> seen = new HashSet<>();
    for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
      String name = en.nextElement().getName();
      if (!seen.add(name)) {
        return name + " appears twice in the pack";
      }
      if (!name.equals(PackManifest.NAME)
          && !name.equals(PackManifest.SIGNATURE)
          && m.file(name).isEmpty()) {
        return name + " is in the pack but not in the manifest: it was added after signing";
      }
    }
    for (String name : REQUIRED) {
      if (m.file(name).isEmpty()) {
        return "the manifest lists no " + name + ", which every pack carries";
      }
    }
    for (PackManifest.FileEntry e : m.files()) {
      if (zip.getEntry(e.name()) == null) {
        return e.name() + " is listed in the manifest but missing from the pack";
      }
      if (STREAMED.contains(e.name())) {
        continue;
      }
      try (DigestInputStream in = digest(zip, e.name())) {
        drain(in);
        String sha = hex(in);
        if (!sha.equals(e.sha256())) {
          return altered(e.name(), sha, e.sha256());
        }
      }
    }
    return null;
  }

  static String altered(String name, String actual, String listed) {
    return name
        + " has SHA-256 "
        + actual
        + " where the signed manifest says "
        + listed
        + ": the file was altered or replaced after the pack was made";
  }

  static String ledger(ExportVerifier v, PackManifest m) {
    ExportVerifier.Report r = v.report();
    if (!r.intact()) {
      return EvidencePack.LEDGER + ": first bad seq " + r.firstBadSeq() + ": " + r.problem();
    }
    PackManifest.Ledger l = m.ledger();
    if (r.fromSeq() != l.fromSeq() || r.toSeq() != l.toSeq()) {
      return EvidencePack.LEDGER
          + " covers seq "
          + r.fromSeq()
          + ".."
          + r.toSeq()
          + " but the manifest says "
          + l.fromSeq()
          + ".."
          + l.toSeq()
          + (r.toSeq() < l.toSeq() ? ": it was cut short" : "");
    }
    if (!r.intactAndSigned()) {
      return EvidencePack.LEDGER + ": " + r.summary(false).replace('\n', ' ');
    }
    if (r.lastCheckpointSeq() != l.checkpointSeq() || !Objects.equals(v.lastHash(), l.headHash())) {
      return EvidencePack.LEDGER
          + " ends at seq "
          + r.toSeq()
          + " with its last checkpoint at seq "
          + r.lastCheckpointSeq()
          + "; the manifest names the checkpoint at seq "
          + l.checkpointSeq()
          + " and head hash "
          + l.headHash();
    }
    return null;
  }

  /** The text files under {@code prefix}, by name without it. */
  static Map<String, String> folder(ZipFile zip, String prefix) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
      ZipEntry e = en.nextElement();
      if (e.getName().startsWith(prefix)) {
        out.put(
            e.getName().substring(prefix.length()),
            new String(small(zip, e.getName()), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  static List<PolicyFiles.PolicyFile> files(Map<String, String> byName) {
    List<PolicyFiles.PolicyFile> out = new ArrayList<>();
    byName.forEach((n, t) -> out.add(new PolicyFiles.PolicyFile(n, t)));
    return out;
  }

  /** A small entry's bytes, or null when absent. */
  static byte[] small(ZipFile zip, String name) throws IOException {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      return null;
    }
    try (InputStream in = zip.getInputStream(e)) {
      byte[] b = in.readNBytes(MAX_SMALL_FILE + 1);
      if (b.length > MAX_SMALL_FILE) {
        throw new IOException(name + " is larger than " + MAX_SMALL_FILE + " bytes");
      }
      return b;
    }
  }

  static DigestInputStream digest(ZipFile zip, String name) throws IOException {
    try {
      return new DigestInputStream(
          zip.getInputStream(zip.getEntry(name)), MessageDigest.getInstance("SHA-256"));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (in.read(buf) >= 0) {
      // hashing as it reads
    }
  }

  static String hex(DigestInputStream in) {
    return HexFormat.of().formatHex(in.getMessageDigest().digest());
  }

  /** An event's detail as a string, or null. */
  static String detail(AuditRecord e, String name) {
    Object v = e.details().get(name);
    return v == null ? null : String.valueOf(v);
  }
}
