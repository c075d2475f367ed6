package io.portcullis.web;

import io.portcullis.audit.AuditHmac;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.demo.DemoSessions;
import io.portcullis.platform.json.Sha256;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * CSRF tokens for the web forms, bound to the browser and to the signed-in session.
 *
 * <p>The browser holds a random value in an HttpOnly cookie; the form carries {@code
 * HMAC-SHA256(key, cookie value, subject, session)}. A POST counts only when the form's token
 * equals the one computed for the cookie it arrived with and for the identity and session it was
 * authenticated as. A page of another site can neither read the cookie nor compute the HMAC, and a
 * token copied from another person's (or another session's) page fails even together with that
 * page's cookie, because the subject and session differ. Nothing is stored on the server.
 */
@ApplicationScoped
public class CsrfTokens {

  /** The form field that carries the token. */
  public static final String FIELD = "csrf-token";

  /** Where the cookie value of the current request is kept once read or minted. */
  static final String CONTEXT_KEY = "portcullis.csrf.cookie";

  private static final Pattern COOKIE_VALUE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final CsrfConfig config;
  private final AuditHmac auditHmac;
  private final DemoSessions demoSessions;
  private final CurrentCaller caller;
  private final SecureRandom random = new SecureRandom();
  private volatile byte[] key;

  CsrfTokens(
      CsrfConfig config, AuditHmac auditHmac, DemoSessions demoSessions, CurrentCaller caller) {
    this.config = config;
    this.auditHmac = auditHmac;
    this.demoSessions = demoSessions;
    this.caller = caller;
  }

  /** Refuses a cookie that browsers would drop, and loads the key, when the application starts. */
  void onStart(@Observes StartupEvent event) {
    if (config.cookieName().startsWith("__Host-") && !config.cookieSecure()) {
      throw new IllegalStateException(
          "portcullis.web.csrf.cookie-name "
              + config.cookieName()
              + " has the __Host- prefix, which browsers accept only on a Secure cookie: set"
              + " portcullis.web.csrf.cookie-secure=true or choose a name without the prefix");
    }
    if (!COOKIE_NAME.matcher(config.cookieName()).matches()) {
      throw new IllegalStateException(
          "portcullis.web.csrf.cookie-name must be a cookie name (letters, digits, - and _)");
    }
    key();
  }

  private byte[] key() {
    byte[] k = key;
    if (k == null) {
      k = config.key().filter(v -> !v.isBlank()).map(CsrfTokens::decode).orElse(null);
      if (k == null) {
        k = auditHmac.deriveKey("web-csrf-v1");
      }
      key = k;
    }
    return k;
  }

  private static byte[] decode(String base64) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("portcullis.web.csrf.key is not base64");
    }
    if (raw.length < 32) {
      throw new IllegalStateException("portcullis.web.csrf.key must hold at least 32 bytes");
    }
    return raw;
  }

  /** The cookie value the request came with, when it is well-formed; else null. */
  String cookieValue(RoutingContext rc) {
    String known = rc.get(CONTEXT_KEY);
    if (known != null) {
      return known;
    }
    Cookie c = rc.request().getCookie(config.cookieName());
    if (c == null || !COOKIE_VALUE.matcher(c.getValue()).matches()) {
      return null;
    }
    rc.put(CONTEXT_KEY, c.getValue());
    return c.getValue();
  }

  /**
   * The cookie value for this request: the one it came with, or a new one that the response sets.
   */
  String ensureCookie(RoutingContext rc) {
    String value = cookieValue(rc);
    if (value == null) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      value = B64.encodeToString(bytes);
      rc.put(CONTEXT_KEY, value);
      rc.response().addCookie(cookie(value, false));
    }
    return value;
  }

  /** Expires the cookie in the browser (at sign-out, so the next session starts a new one). */
  void clearCookie(RoutingContext rc) {
    rc.response().addCookie(cookie("", true));
  }

  private Cookie cookie(String value, boolean expired) {
    Cookie c =
        Cookie.cookie(config.cookieName(), value)
            .setPath("/")
            .setHttpOnly(true)
            .setSecure(config.cookieSecure())
            .setSameSite(CookieSameSite.LAX);
    if (expired) {
      c.setMaxAge(0);
    }
    return c;
  }

  /** The token a form of this request carries: bound to the cookie, the caller and the session. */
  String tokenFor(RoutingContext rc, SecurityIdentity identity) {
    return token(ensureCookie(rc), subject(identity), session(rc, identity));
  }

  /**
   * Whether {@code offered} is the token for the cookie this request came with and for the caller
   * and session it is authenticated as. Constant time in the token's contents.
   */
  boolean verify(RoutingContext rc, SecurityIdentity identity, String offered) {
    String value = cookieValue(rc);
    if (value == null || offered == null || offered.isEmpty()) {
      return false;
    }
    String expected = token(value, subject(identity), session(rc, identity));
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), offered.getBytes(StandardCharsets.UTF_8));
  }

  /** The token for a cookie value, subject and session; exposed for tests of the binding. */
  String token(String cookieValue, String subject, String session) {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    for (String part : new String[] {"portcullis-csrf-v1", cookieValue, subject, session}) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      message.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
      message.writeBytes(bytes);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key(), "HmacSHA256"));
      return B64.encodeToString(mac.doFinal(message.toByteArray()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  private String subject(SecurityIdentity identity) {
    return identity.isAnonymous() ? "" : caller.get().subject();
  }

  /**
   * What identifies the signed-in session: the demo session cookie (hashed), or for OIDC the ID
   * token's {@code sid} claim, else its issuer and {@code auth_time} (both stay the same when the
   * tokens are refreshed, unlike the token or the session cookie itself).
   */
  String session(RoutingContext rc, SecurityIdentity identity) {
    if (identity.isAnonymous()) {
      return "anonymous";
    }
    if (identity.getPrincipal() instanceof JsonWebToken jwt) {
      return oidcSession(jwt);
    }
    Cookie demo = rc.request().getCookie(DemoSessions.COOKIE);
    if (demo != null && demoSessions.verify(demo.getValue()).isPresent()) {
      return "demo-session:" + Sha256.hex(demo.getValue());
    }
    return "no-session"; // HTTP Basic: the cookie and the subject still bind the token
  }

  static String oidcSession(JsonWebToken jwt) {
    Object sid = jwt.getClaim("sid");
    String s = sid == null ? null : plain(sid);
    if (s != null && !s.isBlank()) {
      return "oidc-sid:" + jwt.getIssuer() + "|" + s;
    }
    Object authTime = jwt.getClaim("auth_time");
    String t = authTime == null ? null : plain(authTime);
    if (t != null && !t.isBlank()) {
      return "oidc-auth-time:" + jwt.getIssuer() + "|" + t;
    }
    return "oidc:" + jwt.getIssuer();
  }

  private static String plain(Object claim) {
    if (claim instanceof jakarta.json.JsonString js) {
      return js.getString();
    }
    return claim.toString();
  }
}
