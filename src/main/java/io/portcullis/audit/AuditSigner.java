package io.portcullis.audit;

import io.portcullis.platform.secrets.KeyFiles;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The checkpoint signing key ({@code portcullis.audit.signing-key} or {@code signing-key-file}) and
 * the public keys checkpoints are verified with: the current one and those of earlier keys ({@code
 * previous-public-keys}), so checkpoints signed before a rotation still verify. The private key
 * never leaves this class.
 */
@ApplicationScoped
@Startup // a bad key or key file stops the start, naming the property
public class AuditSigner {

  private static final Logger LOG = Logger.getLogger(AuditSigner.class);

  /** A public key as published to auditors. */
  public record PublishedKey(String keyId, String publicKeyPem, boolean current) {}

  private final PrivateKey key;
  private final String keyId;
  private final Map<String, PublicKey> verificationKeys;
  private final List<PublishedKey> published;

  AuditSigner(AuditConfig config, @ConfigProperty(name = "portcullis.data-dir") String dataDir) {
    Path dir = Path.of(dataDir);
    this.key = loadKey(config, dir);
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    List<PublishedKey> pub = new ArrayList<>();
    if (key != null) {
      PublicKey p = Ed25519Keys.publicOf(key);
      keyId = Ed25519Keys.keyId(p);
      keys.put(keyId, p);
      pub.add(new PublishedKey(keyId, Ed25519Keys.pem(p), true));
    } else {
      keyId = null;
    }
    for (String f : config.previousPublicKeys().orElse(List.of())) {
      if (f.isBlank()) {
        continue;
      }
      Path file = dir.resolve(f.strip());
      PublicKey p;
      try {
        p = Ed25519Keys.publicKey(Files.readString(file));
      } catch (IOException e) {
        throw new IllegalStateException(
            "portcullis.audit.previous-public-keys names " + file + ", which cannot be read");
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "portcullis.audit.previous-public-keys: " + file + " is " + e.getMessage());
      }
      String id = Ed25519Keys.keyId(p);
      if (keys.putIfAbsent(id, p) == null) {
        pub.add(new PublishedKey(id, Ed25519Keys.pem(p), false));
      }
    }
    this.verificationKeys = Collections.unmodifiableMap(keys);
    this.published = List.copyOf(pub);
    if (key == null) {
      LOG.warn(
          "No audit signing key (portcullis.audit.signing-key or signing-key-file): the ledger is"
              + " hash-chained but no checkpoints are signed");
    } else {
      LOG.infof("Audit checkpoints are signed with Ed25519 key %s", keyId);
    }
  }

  /** Whether a signing key is configured. */
  public boolean enabled() {
    return key != null;
  }

  /** The current key's id, or null without one. */
  public String keyId() {
    return keyId;
  }

  /** Signs a checkpoint of {@code (seq, hash)} at database time {@code time}. */
  public AuditCheckpoint sign(long seq, String hash, Instant time, String prevSignature) {
    if (key == null) {
      throw new IllegalStateException("no audit signing key is configured");
    }
    return AuditCheckpoint.sign(seq, hash, time, prevSignature, key, keyId);
  }

  /**
   * Signs a document detached, for {@code purpose} (see {@link DetachedSignature}).
   *
   * @throws IllegalStateException when no signing key is configured
   */
  public DetachedSignature signDetached(String purpose, byte[] document) {
    if (key == null) {
      throw new IllegalStateException("no audit signing key is configured");
    }
    byte[] sig = Ed25519Keys.sign(key, DetachedSignature.message(purpose, document));
    return new DetachedSignature(purpose, keyId, java.util.Base64.getEncoder().encodeToString(sig));
  }

  /** Public keys by key id: the current one first, then the previous ones. */
  public Map<String, PublicKey> verificationKeys() {
    return verificationKeys;
  }

  /** The public keys for auditors, current first. */
  public List<PublishedKey> published() {
    return published;
  }

  static PrivateKey loadKey(AuditConfig c, Path dataDir) {
    if (c.signingKey().filter(k -> !k.isBlank()).isPresent()) {
      try {
        return Ed25519Keys.privateKey(c.signingKey().get());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("portcullis.audit.signing-key is " + e.getMessage());
      }
    }
    if (c.signingKeyFile().filter(k -> !k.isBlank()).isEmpty()) {
      return null;
    }
    Path file = dataDir.resolve(c.signingKeyFile().get().strip());
    try {
      if (!Files.exists(file)) {
        if (!c.generateSigningKey()) {
          throw KeyFiles.missing(
              "portcullis.audit.signing-key-file",
              file,
              "openssl genpkey -algorithm ed25519 -out " + file);
        }
        KeyPair pair = Ed25519Keys.generate();
        KeyFiles.writeOwnerOnly(file, Ed25519Keys.pem(pair.getPrivate()));
        Path pub = file.resolveSibling(file.getFileName() + ".pub");
        Files.writeString(pub, Ed25519Keys.pem(pair.getPublic()));
        LOG.infof("Generated the audit signing key %s (public key %s)", file, pub);
      }
      return Ed25519Keys.privateKey(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the audit signing key file " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "portcullis.audit.signing-key-file: " + file + " is " + e.getMessage());
    }
  }
}
