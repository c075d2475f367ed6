package io.portcullis.platform.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

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

  /** Writes a new key file, mode 0600, creating its directory; fails if the file exists. */
  public static void writeOwnerOnly(Path file, String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, text, StandardOpenOption.CREATE_NEW);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
  }

  /** {@code n} random bytes in base64, with a trailing newline, as {@code head -c n | base64}. */
  public static String randomBase64(int n) {
    byte[] fresh = new byte[n];
    RANDOM.nextBytes(fresh);
    return Base64.getEncoder().encodeToString(fresh) + "\n";
  }
}
