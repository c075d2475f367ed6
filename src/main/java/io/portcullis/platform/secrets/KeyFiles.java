package io.portcullis.platform.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;

/**
 * Key files that Portcullis reads, and creates itself only where the configuration allows (the
 * demo): never over an existing file, readable by the owner alone.
 */
public final class KeyFiles {

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyFiles() {}

  /**
   * The error for a key file that does not exist and may not be generated.
   *
   * @param property the property that names the file
   * @param create the shell command that makes such a file
   */
  public static IllegalStateException missing(String property, Path file, String create) {
    return new IllegalStateException(
        property + " names " + file + ", which does not exist; create it with '" + create + "'");
  }

  /**
   * Writes a new key file, creating its directory. The file is created owner-only (mode 0600) by
   * the same system call that creates it, so there is no moment in which another user could open
   * it; it fails if the file exists (so a file planted in advance is never filled with a key).
   * Where the file system has no POSIX permissions, it is created with the platform's defaults.
   */
  public static void writeOwnerOnly(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    FileAttribute<?>[] ownerOnly =
        posix
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            }
            : new FileAttribute<?>[0];
    try (SeekableByteChannel out =
        Files.newByteChannel(
            file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
      ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
    }
  }

  /** {@code n} random bytes in base64, with a trailing newline, as {@code head -c n | base64}. */
  public static String randomBase64(int n) {
    byte[] fresh = new byte[n];
    RANDOM.nextBytes(fresh);
    return Base64.getEncoder().encodeToString(fresh) + "\n";
  }

  /**
   * Where a 32-byte key comes from: given inline (base64), or in a file (relative to the data
   * directory), which is generated owner-only on first use when allowed.
   *
   * @param property the inline key's property, e.g. {@code portcullis.audit.hmac-key}; the file's
   *     is the same with {@code -file}
   * @param what what the key is for, in words ("audit HMAC key")
   * @param unset the error message when neither is set, naming both properties
   */
  public record KeySource(
      Optional<String> inline,
      Optional<String> file,
      boolean generate,
      String property,
      String what,
      String unset) {}

  /** Reads (or, when allowed, first generates) the key, or fails naming what to set. */
  public static byte[] load(KeySource k, Path dataDir) {
    if (k.inline().filter(v -> !v.isBlank()).isPresent()) {
      return decode(k.inline().get(), k.property());
    }
    if (k.file().filter(v -> !v.isBlank()).isPresent()) {
      Path file = dataDir.resolve(k.file().get());
      try {
        if (!Files.exists(file)) {
          if (!k.generate()) {
            throw missing(
                k.property() + "-file", file, "head -c 32 /dev/urandom | base64 > " + file);
          }
          writeOwnerOnly(file, randomBase64(32));
        }
        return decode(Files.readString(file).strip(), "the key file " + file);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the " + k.what() + " file " + file, e);
      }
    }
    throw new IllegalStateException(k.unset());
  }

  /** A base64 key of at least 32 bytes, or an error naming where it came from. */
  public static byte[] decode(String base64, String where) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(where + " is not base64");
    }
    if (raw.length < 32) {
      throw new IllegalStateException(where + " must hold at least 32 bytes in base64");
    }
    return raw;
  }
}
