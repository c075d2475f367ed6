package io.portcullis.web;

import io.portcullis.audit.AuditHmac;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.request.RequestReview;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A review that waits for its reviewer's step-up sign-in (src/docs/adr/0012-step-up.md): the
 * decision, comment and digest the reviewer chose, kept in the browser as a sealed cookie while the
 * browser visits the identity provider, and taken back when the reviewer confirms.
 *
 * <p>Sealed with AES-256-GCM under a key derived from the audit HMAC key (every replica derives the
 * same one), so the browser can neither read nor change it and any replica can open it. It names
 * the reviewer's subject, a random id that the confirmation page's address carries, and when it was
 * made: it is taken only by the same person, for the same id, within {@link #TTL}. The cookie is
 * HttpOnly and SameSite=Lax, Secure (with the {@code __Host-} prefix) wherever the CSRF cookie is,
 * and it is expired once the review is recorded. Nothing is stored on the server.
 */
@ApplicationScoped
public class PendingReviews {

  /** How long a pending review waits for its sign-in and confirmation. */
  public static final Duration TTL = Duration.ofMinutes(10);

  /** The most a sealed review may take in cookies (browsers keep about 4 KB a cookie). */
  static final int CHUNK_CHARS = 3800;

  static final int MAX_CHUNKS = 3;

  private static final byte VERSION = 1;
  private static final byte[] AAD = "portcullis-pending-review-v1".getBytes(StandardCharsets.UTF_8);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /**
   * A review waiting for the reviewer's step-up sign-in.
   *
   * @param id random, carried by the confirmation page's address
   * @param subject the reviewer's IdP subject
   * @param challenged whether the browser was already sent to the identity provider for it
   */
  public record PendingReview(
      String id,
      String subject,
      UUID request,
      RequestReview.Decision decision,
      String comment,
      String digest,
      Instant createdAt,
      boolean challenged) {

    public PendingReview challengedNow() {
      return new PendingReview(id, subject, request, decision, comment, digest, createdAt, true);
    }

    public PendingReview notChallenged() {
      return new PendingReview(id, subject, request, decision, comment, digest, createdAt, false);
    }
  }

  private final CsrfConfig csrf;
  private final AuditHmac auditHmac;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private volatile byte[] key;

  PendingReviews(CsrfConfig csrf, AuditHmac auditHmac, Clock clock) {
    this.csrf = csrf;
    this.auditHmac = auditHmac;
    this.clock = clock;
  }

  /** A new pending review of {@code subject}, made now, with a fresh random id. */
  public PendingReview create(
      String subject,
      UUID request,
      RequestReview.Decision decision,
      String comment,
      String digest) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return new PendingReview(
        B64.encodeToString(id),
        subject,
        request,
        decision,
        comment,
        digest,
        clock.instant(),
        false);
  }

  /**
   * Sets the cookie that holds {@code p} on the response.
   *
   * @throws Problems.Invalid when the comment is too long to travel in cookies
   */
  public void keep(RoutingContext rc, PendingReview p) {
    String sealed = B64.encodeToString(seal(encode(p)));
    int chunks = (sealed.length() + CHUNK_CHARS - 1) / CHUNK_CHARS;
    if (chunks > MAX_CHUNKS) {
      throw new Problems.Invalid(
          new FieldError(
              "comment",
              "is too long to keep while you sign in again ("
                  + p.comment().length()
                  + " characters); shorten it, or sign in again first and then review",
              null));
    }
    clearAbove(rc, chunks);
    for (int i = 0; i < chunks; i++) {
      String part =
          sealed.substring(i * CHUNK_CHARS, Math.min(sealed.length(), (i + 1) * CHUNK_CHARS));
      rc.response().addCookie(cookie(name(i), i == 0 ? chunks + "." + part : part, false));
    }
  }

  /**
   * The pending review with this id, when the request's cookie holds one for {@code subject} made
   * less than {@link #TTL} ago; otherwise empty (missing, changed, someone else's, another id, or
   * too old).
   */
  public Optional<PendingReview> find(RoutingContext rc, String subject, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return Optional.empty();
    }
    Cookie first = rc.request().getCookie(name(0));
    if (first == null) {
      return Optional.empty();
    }
    String v = first.getValue();
    int dot = v.indexOf('.');
    if (dot != 1 || v.charAt(0) < '1' || v.charAt(0) > (char) ('0' + MAX_CHUNKS)) {
      return Optional.empty();
    }
    int chunks = v.charAt(0) - '0';
    StringBuilder sealed = new StringBuilder(v.substring(2));
    for (int i = 1; i < chunks; i++) {
      Cookie c = rc.request().getCookie(name(i));
      if (c == null) {
        return Optional.empty();
      }
      sealed.append(c.getValue());
    }
    Optional<PendingReview> p;
    try {
      p = open(Base64.getUrlDecoder().decode(sealed.toString())).map(PendingReviews::decode);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return p.filter(x -> x.id().equals(id))
        .filter(x -> x.subject().equals(subject))
        .filter(x -> !x.createdAt().isAfter(now.plusSeconds(60)))
        .filter(x -> x.createdAt().plus(TTL).isAfter(now));
  }

  /** Expires the cookies of a pending review. */
  public void forget(RoutingContext rc) {
    clearAbove(rc, 0);
  }

  private void clearAbove(RoutingContext rc, int keep) {
    for (int i = keep; i < MAX_CHUNKS; i++) {
      if (rc.request().getCookie(name(i)) != null) {
        rc.response().addCookie(cookie(name(i), "", true));
      }
    }
  }

  private String name(int chunk) {
    String base =
        csrf.cookieSecure() ? "__Host-portcullis-pending-review" : "portcullis-pending-review";
    return chunk == 0 ? base : base + "-" + chunk;
  }

  private Cookie cookie(String name, String value, boolean expired) {
    Cookie c =
        Cookie.cookie(name, value)
            .setPath("/")
            .setHttpOnly(true)
            .setSecure(csrf.cookieSecure())
            .setSameSite(CookieSameSite.LAX)
            .setMaxAge(expired ? 0 : TTL.toSeconds());
    return c;
  }

  static byte[] encode(PendingReview p) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(p.id());
      writeLong(out, p.subject());
      out.writeLong(p.request().getMostSignificantBits());
      out.writeLong(p.request().getLeastSignificantBits());
      out.writeUTF(p.decision().name());
      out.writeUTF(p.digest() == null ? "" : p.digest());
      out.writeLong(p.createdAt().toEpochMilli());
      out.writeBoolean(p.challenged());
      out.writeBoolean(p.comment() != null);
      if (p.comment() != null) {
        writeLong(out, p.comment());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return deflate(bytes.toByteArray());
  }

  static PendingReview decode(byte[] compressed) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(inflate(compressed)))) {
      if (in.readByte() != VERSION) {
        throw new IllegalArgumentException("unknown version");
      }
      String id = in.readUTF();
      String subject = readLong(in);
      UUID request = new UUID(in.readLong(), in.readLong());
      RequestReview.Decision decision = RequestReview.Decision.valueOf(in.readUTF());
      String digest = in.readUTF();
      Instant created = Instant.ofEpochMilli(in.readLong());
      boolean challenged = in.readBoolean();
      String comment = in.readBoolean() ? readLong(in) : null;
      return new PendingReview(
          id,
          subject,
          request,
          decision,
          comment,
          digest.isEmpty() ? null : digest,
          created,
          challenged);
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable pending review", e);
    }
  }

  /** A string of any length (writeUTF stops at 64 KB of modified UTF-8). */
  private static void writeLong(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readLong(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 1 << 16) {
      throw new IOException("implausible length " + n);
    }
    return new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }

  private static byte[] deflate(byte[] raw) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      d.setInput(raw);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[1024];
      while (!d.finished()) {
        out.write(buf, 0, d.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  private static byte[] inflate(byte[] compressed) throws IOException {
    Inflater i = new Inflater();
    try {
      i.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[1024];
      while (!i.finished()) {
        int n = i.inflate(buf);
        if (n == 0 && (i.needsInput() || i.needsDictionary())) {
          throw new IOException("truncated");
        }
        out.write(buf, 0, n);
        if (out.size() > 1 << 17) {
          throw new IOException("too large");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IOException(e);
    } finally {
      i.end();
    }
  }

  private byte[] key() {
    byte[] k = key;
    if (k == null) {
      k = auditHmac.deriveKey("web-pending-review-v1");
      key = k;
    }
    return k;
  }

  /** nonce (12 bytes) then AES-256-GCM ciphertext and tag. */
  byte[] seal(byte[] plain) {
    try {
      byte[] nonce = new byte[12];
      random.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(key(), "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(AAD);
      byte[] sealed = c.doFinal(plain);
      return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
    }
  }

  /** The plain bytes, or empty when the value was not sealed by this deployment's key. */
  Optional<byte[]> open(byte[] sealed) {
    if (sealed.length < 12 + 16) {
      return Optional.empty();
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key(), "AES"),
          new GCMParameterSpec(128, sealed, 0, 12));
      c.updateAAD(AAD);
      return Optional.of(c.doFinal(sealed, 12, sealed.length - 12));
    } catch (javax.crypto.AEADBadTagException e) {
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
    }
  }
}
