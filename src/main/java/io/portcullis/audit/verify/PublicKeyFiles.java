package io.portcullis.audit.verify;

import io.portcullis.audit.Ed25519Keys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The audit public key files an offline verifier is given ({@code --public-key}), read once. */
public final class PublicKeyFiles {

  private PublicKeyFiles() {}

  /**
   * Reads each PEM file into a key by its key id.
   *
   * @return the keys, or empty after printing to {@code err} which file could not be used
   */
  public static Optional<Map<String, PublicKey>> read(List<String> files, PrintStream err) {
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (String k : files) {
      try {
        PublicKey p = Ed25519Keys.publicKey(Files.readString(Path.of(k)));
        keys.put(Ed25519Keys.keyId(p), p);
      } catch (NoSuchFileException e) {
        err.println("error: the public key file " + k + " does not exist");
        return Optional.empty();
      } catch (IOException e) {
        err.println("error: cannot read the public key file " + k + ": " + e.getMessage());
        return Optional.empty();
      } catch (IllegalArgumentException e) {
        err.println("error: " + k + " is " + e.getMessage());
        return Optional.empty();
      }
    }
    return Optional.of(keys);
  }
}
