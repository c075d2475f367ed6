package io.portcullis.provider.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jopenlibs.vault.VaultException;
import io.portcullis.platform.secrets.Scrubber;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns Vault's answers and transport failures into {@link ProviderException}s whose messages say
 * what to fix and never carry a secret: Vault's own error text is kept only after scrubbing the
 * known secrets, the shapes of secrets, and any opaque high-entropy string.
 */
final class VaultErrors {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs of token-like characters; redacted when they mix letters and digits. */
  private static final Pattern OPAQUE = Pattern.compile("[A-Za-z0-9._~+=-]{16,}");

  private static final int MAX_REASON = 240;

  private VaultErrors() {}

  /**
   * One call to Vault, described for error messages.
   *
   * @param what what Portcullis was doing, e.g. "creating the per-grant token"
   * @param path the Vault path (without {@code /v1/})
   * @param onDenied what to do about a 403, or null
   * @param onMissing what a 404 means here, or null
   */
  record Op(String what, String path, String onDenied, String onMissing) {
    Op(String what, String path) {
      this(what, path, null, null);
    }
  }

  /** Whether Vault's error text says the lease, token or accessor no longer exists. */
  static boolean saysGone(byte[] body) {
    String text = String.join(" ", errors(body)).toLowerCase(java.util.Locale.ROOT);
    return text.contains("invalid accessor")
        || text.contains("token not found")
        || text.contains("invalid lease")
        || text.contains("lease not found")
        || text.contains("invalid token");
  }

  /** Vault's error messages ({@code {"errors": […]}}), raw: never show them unscrubbed. */
  static List<String> errors(byte[] body) {
    List<String> out = new ArrayList<>();
    if (body == null || body.length == 0) {
      return out;
    }
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      if (errors.isArray()) {
        for (JsonNode e : errors) {
          if (e.isTextual()) {
            out.add(unwrapMultiError(e.asText()));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not JSON (a proxy's HTML page): no reason to show
    }
    return out;
  }

  /** {@code "1 error occurred:\n\t* permission denied\n\n"} to {@code "permission denied"}. */
  private static String unwrapMultiError(String s) {
    String t = s.strip();
    if (t.matches("(?s)\\d+ errors? occurred:.*")) {
      t = t.replaceFirst("(?s)^\\d+ errors? occurred:\\s*", "");
      t = t.replaceAll("(?s)\\s*\\n\\s*\\*\\s*", "; ").replaceFirst("^\\*\\s*", "").strip();
    }
    return t;
  }

  /** Vault's reason, scrubbed and short, or empty. */
  static String reason(byte[] body, Collection<String> known) {
    List<String> errors = errors(body);
    if (errors.isEmpty()) {
      return "";
    }
    return clean(String.join("; ", errors.subList(0, Math.min(3, errors.size()))), known);
  }

  /** Scrubs known secrets, secret shapes and opaque strings, and shortens. */
  static String clean(String text, Collection<String> known) {
    if (text == null) {
      return "";
    }
    String s = Scrubber.scrub(text, known);
    Matcher m = OPAQUE.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String run = m.group();
      boolean opaque =
          run.chars().anyMatch(Character::isDigit) && run.chars().anyMatch(Character::isLetter);
      m.appendReplacement(out, Matcher.quoteReplacement(opaque ? "<redacted>" : run));
    }
    m.appendTail(out);
    s = out.toString().replaceAll("\\s+", " ").strip();
    return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) + "…" : s;
  }

  /** A final message: scrubbed once more against the known secrets. */
  static ProviderException error(
      Kind kind, String message, Duration retryAfter, Collection<String> known) {
    return new ProviderException(kind, Scrubber.scrub(message, known), retryAfter, null);
  }

  /** Vault answered {@code status}: what that means for {@code op}. */
  static ProviderException status(
      Op op, int status, byte[] body, String retryAfter, Collection<String> known) {
    String reason = reason(body, known);
    String said = reason.isEmpty() ? "" : ": " + reason;
    String at = " (HTTP " + status + " at " + op.path() + ")";
    return switch (status) {
      case 400 -> error(Kind.PERMANENT, "Vault refused " + op.what() + at + said, null, known);
      case 403 ->
          error(
              Kind.PERMANENT,
              "Vault denied "
                  + op.what()
                  + at
                  + ": permission denied"
                  + (op.onDenied() == null ? "" : "; " + op.onDenied()),
              null,
              known);
      case 404 ->
          error(
              Kind.PERMANENT,
              "Vault found nothing for "
                  + op.what()
                  + at
                  + (op.onMissing() == null ? said : ": " + op.onMissing()),
              null,
              known);
      case 405 ->
          error(
              Kind.PERMANENT,
              "Vault does not support " + op.what() + at + ": unsupported operation",
              null,
              known);
      case 412 ->
          error(
              Kind.TRANSIENT,
              "Vault is not yet consistent for " + op.what() + at + "; retrying",
              null,
              known);
      case 429 ->
          error(
              Kind.THROTTLED,
              "Vault is rate limiting " + op.what() + at,
              retryAfter(retryAfter),
              known);
      case 501 ->
          error(Kind.PERMANENT, "Vault is not initialised" + at + "; initialise it", null, known);
      case 503 ->
          error(
              Kind.TRANSIENT,
              "Vault is sealed or unavailable while " + op.what() + at,
              null,
              known);
      default -> {
        if (status >= 500) {
          yield error(Kind.TRANSIENT, "Vault failed " + op.what() + at + said, null, known);
        }
        yield error(Kind.PERMANENT, "Vault refused " + op.what() + at + said, null, known);
      }
    };
  }

  private static Duration retryAfter(String header) {
    if (header == null || !header.strip().matches("\\d{1,5}")) {
      return null;
    }
    return Duration.ofSeconds(Long.parseLong(header.strip()));
  }

  /** A failure from the driver: an HTTP status with the body in its message, or a transport one. */
  static ProviderException driver(
      Op op, VaultException e, String address, Duration timeout, Collection<String> known) {
    int status = e.getHttpStatusCode();
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (status > 0 && message.startsWith("Vault responded with HTTP status code")) {
      int at = message.indexOf("Response body: ");
      byte[] body =
          at < 0
              ? new byte[0]
              : message.substring(at + "Response body: ".length()).getBytes(StandardCharsets.UTF_8);
      return status(op, status, body, null, known);
    }
    if (message.startsWith("Vault responded with MIME type")) {
      String type = message.substring("Vault responded with MIME type: ".length()).strip();
      return error(
          Kind.TRANSIENT,
          "Vault answered "
              + op.what()
              + " at "
              + op.path()
              + " with content type '"
              + clean(type, known)
              + "', not application/json (is a proxy in front of Vault?)",
          null,
          known);
    }
    if (status > 0) {
      return status(op, status, new byte[0], null, known);
    }
    return transport(op, e, address, timeout, known);
  }

  /** A transport failure: no usable answer. */
  static ProviderException transport(
      Op op, Throwable t, String address, Duration timeout, Collection<String> known) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpConnectTimeoutException) {
        return error(
            Kind.TRANSIENT,
            "cannot connect to Vault at " + address + " within " + timeout + " (" + op.what() + ")",
            null,
            known);
      }
      if (c instanceof HttpTimeoutException) {
        return error(
            Kind.TIMEOUT,
            "Vault gave no answer within "
                + timeout
                + " while "
                + op.what()
                + " ("
                + op.path()
                + ")",
            null,
            known);
      }
      if (c instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        return error(
            Kind.TIMEOUT, "interrupted while " + op.what() + " (" + op.path() + ")", null, known);
      }
      if (c instanceof SSLException) {
        if (certificateProblem(c)) {
          return error(
              Kind.PERMANENT,
              "Vault's TLS certificate at "
                  + address
                  + " is not trusted or does not match the host name; give the CA that signed it"
                  + " in portcullis.vault.tls.ca-file (PEM) and make portcullis.vault.address"
                  + " use a name the certificate carries",
              null,
              known);
        }
        return error(
            Kind.TRANSIENT,
            "TLS handshake with Vault at "
                + address
                + " failed ("
                + c.getClass().getSimpleName()
                + ")",
            null,
            known);
      }
      if (c instanceof UnknownHostException) {
        return error(
            Kind.TRANSIENT,
            "cannot resolve the host of portcullis.vault.address (" + address + ")",
            null,
            known);
      }
      if (c instanceof ConnectException) {
        return error(
            Kind.TRANSIENT,
            "cannot connect to Vault at " + address + " (" + op.what() + ")",
            null,
            known);
      }
    }
    return error(
        Kind.TRANSIENT,
        "calling Vault at "
            + address
            + " failed while "
            + op.what()
            + " ("
            + rootCause(t).getClass().getSimpleName()
            + ")",
        null,
        known);
  }

  private static boolean certificateProblem(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof GeneralSecurityException) {
        return true;
      }
      String m = c.getMessage();
      if (m != null && (m.contains("PKIX") || m.contains("certificate"))) {
        return true;
      }
    }
    return false;
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }
}
