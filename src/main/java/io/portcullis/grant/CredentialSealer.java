package io.portcullis.grant;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.platform.json.Sha256;
import io.portcullis.platform.secrets.KeyFiles;
import io.portcullis.provider.Credential;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Seals credentials while they wait for their requester: AES-256-GCM under a per-deployment key,
 * with the grant id as associated data (a sealed credential moved to another grant does not open).
 * The key comes from configuration or a key file; nothing else about a credential is stored.
 */
@ApplicationScoped
public class CredentialSealer {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, String>> FIELDS =
      new TypeReference<>() {};
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final String keyId;
  private final SecureRandom random = new SecureRandom();

  CredentialSealer(
      GrantConfig config, @ConfigProperty(name = "portcullis.data-dir") String dataDir) {
    byte[] raw = loadKey(config.credential(), Path.of(dataDir));
    this.key = new SecretKeySpec(raw, "AES");
    this.keyId =
        Sha256.hex("portcullis-credential-key:" + Base64.getEncoder().encodeToString(raw))
            .substring(0, 16);
  }

  /** Identifies the key in use (not the key: a truncated hash of it). */
  public String keyId() {
    return keyId;
  }

  /** A sealed credential. */
  public record Sealed(String keyId, byte[] bytes) {}

  public Sealed seal(UUID grantId, Credential credential) {
    try {
      byte[] nonce = new byte[NONCE];
      random.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(grantId));
      byte[] plain = JSON.writeValueAsBytes(credential.fields());
      byte[] sealed = c.doFinal(plain);
      java.util.Arrays.fill(plain, (byte) 0);
      return new Sealed(
          keyId, ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Sealing a credential failed: " + e.getClass().getName());
    }
  }

  /**
   * Opens a sealed credential.
   *
   * @throws IllegalStateException when it was sealed under another key or for another grant, or was
   *     altered
   */
  public Credential open(UUID grantId, Sealed sealed) {
    if (!keyId.equals(sealed.keyId())) {
      throw new IllegalStateException(
          "sealed under key " + sealed.keyId() + ", but key " + keyId + " is in use");
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(sealed.bytes());
      byte[] nonce = new byte[NONCE];
      b.get(nonce);
      byte[] body = new byte[b.remaining()];
      b.get(body);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(grantId));
      byte[] plain = c.doFinal(body);
      Map<String, String> fields = JSON.readValue(plain, FIELDS);
      java.util.Arrays.fill(plain, (byte) 0);
      return Credential.of(fields);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IllegalStateException("the sealed credential does not open (altered or moved)");
    }
  }

  private static byte[] aad(UUID grantId) {
    return ("portcullis-grant:" + grantId).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] loadKey(GrantConfig.Credentials c, Path dataDir) {
    if (c.key().filter(k -> !k.isBlank()).isPresent()) {
      return decode(c.key().get(), "portcullis.grants.credential.key");
    }
    if (c.keyFile().filter(k -> !k.isBlank()).isPresent()) {
      Path file = dataDir.resolve(c.keyFile().get());
      try {
        if (!Files.exists(file)) {
          if (!c.generateKey()) {
            throw KeyFiles.missing(
                "portcullis.grants.credential.key-file",
                file,
                "head -c 32 /dev/urandom | base64 > " + file);
          }
          KeyFiles.writeOwnerOnly(file, KeyFiles.randomBase64(32));
        }
        return decode(Files.readString(file).strip(), "the key file " + file);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the credential key file " + file, e);
      }
    }
    throw new IllegalStateException(
        "No credential sealing key: set portcullis.grants.credential.key"
            + " (PORTCULLIS_GRANTS_CREDENTIAL_KEY, 32 random bytes in base64, e.g. from"
            + " 'head -c 32 /dev/urandom | base64') or portcullis.grants.credential.key-file");
  }

  private static byte[] decode(String base64, String where) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(where + " is not base64");
    }
    if (raw.length != 32) {
      throw new IllegalStateException(
          where + " must hold 32 bytes (AES-256) in base64, not " + raw.length);
    }
    return raw;
  }
}
