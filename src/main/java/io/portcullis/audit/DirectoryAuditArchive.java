package io.portcullis.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The audit archive in an export directory ({@code portcullis.audit.archive.directory}), for
 * deployments without S3: each span is written once as {@code audit-<fromSeq>-<toSeq>.jsonl} (seqs
 * zero-padded to 19 digits, so names sort in ledger order) and made read-only; evidence packs go to
 * {@code evidence/<campaign>/<sha256>.zip}. A span written again must have the same bytes (the
 * archiver re-exports a span whose bookkeeping write was lost), otherwise the store refuses it:
 * nothing here overwrites. Mount the directory on write-once storage for the guarantee S3 Object
 * Lock gives; this class gives the same file names and checks either way.
 */
@ApplicationScoped
public class DirectoryAuditArchive implements AuditArchive {

  private static final Pattern CAMPAIGN = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final Path directory;

  @Inject
  DirectoryAuditArchive(AuditConfig config) {
    this(config.archive().directory().filter(d -> !d.isBlank()).map(Path::of).orElse(null));
  }

  /** An archive in {@code directory} (null: not configured). */
  public DirectoryAuditArchive(Path directory) {
    this.directory = directory == null ? null : directory.toAbsolutePath().normalize();
  }

  @Override
  public boolean configured() {
    return directory != null;
  }

  @Override
  public String describe() {
    return directory == null ? "no export directory" : "the export directory " + directory;
  }

  @Override
  public Stored store(Span span, Path file, String sha256) throws ArchiveException {
    String name =
        String.format(Locale.ROOT, "audit-%019d-%019d.jsonl", span.fromSeq(), span.toSeq());
    return put(dir().resolve(name), file, sha256, "span");
  }

  @Override
  public Stored storeEvidence(String campaign, Path file, String sha256) throws ArchiveException {
    if (campaign == null || !CAMPAIGN.matcher(campaign).matches()) {
      throw new ArchiveException(
          "an evidence pack's campaign must be letters, digits, '-', '.' or '_'");
    }
    String hex = HexFormat.of().formatHex(decode(sha256, "evidence pack"));
    return put(
        dir().resolve("evidence").resolve(campaign).resolve(hex + ".zip"),
        file,
        sha256,
        "evidence pack");
  }

  @Override
  public InputStream open(String location, String versionId) throws ArchiveException {
    Path p = pathOf(location);
    try {
      return Files.newInputStream(p);
    } catch (IOException e) {
      throw new ArchiveException("cannot read " + location + ": " + e.getMessage());
    }
  }

  /** The file a location names, which must lie inside this archive's directory. */
  private Path pathOf(String location) throws ArchiveException {
    Path dir = dir();
    if (location == null || !location.startsWith("file:")) {
      throw new ArchiveException(location + " is not in " + describe());
    }
    Path p;
    try {
      p = Path.of(java.net.URI.create(location)).toAbsolutePath().normalize();
    } catch (IllegalArgumentException e) {
      throw new ArchiveException(location + " is not a file location");
    }
    if (!p.startsWith(dir)) {
      throw new ArchiveException(location + " is not in " + describe());
    }
    return p;
  }

  private Path dir() throws ArchiveException {
    if (directory == null) {
      throw new ArchiveException("no audit export directory is configured");
    }
    return directory;
  }

  private Stored put(Path target, Path file, String sha256, String what) throws ArchiveException {
    byte[] expected = decode(sha256, what);
    try {
      if (!java.util.Arrays.equals(expected, digest(file))) {
        throw new ArchiveException("the " + what + " file does not match its SHA-256");
      }
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), ".incoming-", ".part");
      try {
        Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
        readOnly(temp);
        try {
          // never over an existing file: a second write of the same span must be the same bytes
          Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
          sameOrRefuse(target, expected, what);
        } catch (UnsupportedOperationException | IOException e) {
          // no hard links here: an existing file is still never replaced
          if (Files.exists(target)) {
            sameOrRefuse(target, expected, what);
          } else {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
          }
        }
      } finally {
        Files.deleteIfExists(temp);
      }
      return new Stored(target.toUri().toString(), null, null, null, null);
    } catch (IOException e) {
      throw new ArchiveException("writing " + target + " failed: " + e.getMessage());
    }
  }

  private static void sameOrRefuse(Path target, byte[] expected, String what)
      throws IOException, ArchiveException {
    if (!java.util.Arrays.equals(expected, digest(target))) {
      throw new ArchiveException(
          target + " exists with other content; an archived " + what + " is never replaced");
    }
  }

  private static void readOnly(Path p) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--r--r--"));
    } catch (IOException | UnsupportedOperationException e) {
      p.toFile().setReadOnly();
    }
  }

  private static byte[] decode(String sha256, String what) throws ArchiveException {
    byte[] d;
    try {
      d = sha256 == null ? new byte[0] : Base64.getDecoder().decode(sha256);
    } catch (IllegalArgumentException e) {
      d = new byte[0];
    }
    if (d.length != 32) {
      throw new ArchiveException("the SHA-256 of the " + what + " file is not 32 bytes in base64");
    }
    return d;
  }

  static byte[] digest(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
