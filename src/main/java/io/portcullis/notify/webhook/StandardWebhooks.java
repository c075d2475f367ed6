package io.portcullis.notify.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The symmetric signature of the Standard Webhooks specification (standardwebhooks.com, 1.0.0): the
 * content signed is {@code {webhook-id}.{webhook-timestamp}.{body}}, the signature is HMAC-SHA256
 * with the secret's bytes, base64-encoded and prefixed with its version, {@code v1,}; several
 * signatures (one per secret, during a rotation) are sent space-separated in {@code
 * webhook-signature}. Secrets are shown to people as {@code whsec_} followed by the base64 of 24 to
 * 64 random bytes.
 */
public final class StandardWebhooks {

  public static final String ID = "webhook-id";
  public static final String TIMESTAMP = "webhook-timestamp";
  public static final String SIGNATURE = "webhook-signature";

  private static final String PREFIX = "whsec_";

  private StandardWebhooks() {}

  /**
   * The key bytes of a {@code whsec_<base64>} secret (the prefix may be left out).
   *
   * @throws IllegalArgumentException when it is not base64 or not 24 to 64 bytes; the message never
   *     contains the secret
   */
  public static byte[] key(String secret) {
    String s = secret.strip();
    if (s.startsWith(PREFIX)) {
      s = s.substring(PREFIX.length());
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a signing secret is whsec_ followed by base64");
    }
    if (key.length < 24 || key.length > 64) {
      throw new IllegalArgumentException("a signing secret has 24 to 64 bytes");
    }
    return key;
  }

  /** One signature, {@code v1,<base64 of HMAC-SHA256(key, id.timestamp.body)>}. */
  public static String sign(byte[] key, String id, long timestamp, byte[] body) {
    if (id.indexOf('.') >= 0) {
      throw new IllegalArgumentException("a webhook id must not contain a full stop");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** The {@code webhook-signature} header: one signature per key, in order, space-separated. */
  public static String header(List<byte[]> keys, String id, long timestamp, byte[] body) {
    return keys.stream().map(k -> sign(k, id, timestamp, body)).collect(Collectors.joining(" "));
  }
}
