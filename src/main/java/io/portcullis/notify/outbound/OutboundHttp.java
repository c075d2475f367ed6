package io.portcullis.notify.outbound;

import io.portcullis.notify.channel.SendOutcome;
import io.portcullis.notify.config.SecretRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP the notification channels share (Slack, Teams, webhooks): one JDK {@link HttpClient} per
 * channel (HTTP/1.1, a connect timeout, redirects never followed, so an {@code Authorization}
 * header never travels to another host), a request timeout per call, and the mapping of HTTP
 * answers to {@link SendOutcome}s. Reasons name the status and never carry a URL, a header or a
 * body: the URLs of Slack incoming webhooks and Teams workflows are themselves secrets.
 */
public final class OutboundHttp {

  /** An HTTP answer: status, headers and the body (read by the caller only where it is safe). */
  public record Answer(int status, HttpHeaders headers, byte[] body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** The call did not get an answer; {@link #outcome()} says why, without details. */
  public static final class Unanswered extends Exception {
    private final transient SendOutcome.Retryable outcome;

    Unanswered(SendOutcome.Retryable outcome) {
      super(outcome.reason(), null, false, false);
      this.outcome = outcome;
    }

    public SendOutcome.Retryable outcome() {
      return outcome;
    }
  }

  private final HttpClient client;
  private final Duration timeout;
  private final Clock clock;

  public OutboundHttp(Duration timeout, Clock clock) {
    this.timeout = timeout;
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * POSTs a JSON body.
   *
   * @param what names the call in reasons ({@code "slack chat.postMessage"}); never a URL
   */
  public Answer postJson(URI url, Map<String, String> headers, byte[] body, String what)
      throws Unanswered {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .header("User-Agent", "Portcullis")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(r.statusCode(), r.headers(), r.body());
    } catch (HttpTimeoutException e) {
      throw new Unanswered(new SendOutcome.Retryable(what + " got no answer within " + timeout));
    } catch (IOException e) {
      // the exception's message may name the host or the URL: the class name only
      throw new Unanswered(
          new SendOutcome.Retryable(what + " failed: " + e.getClass().getSimpleName()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unanswered(new SendOutcome.Retryable(what + " was interrupted"));
    }
  }

  /**
   * The outcome of a plain HTTP answer: 2xx sent; 429, 408 and 5xx retryable (after {@code
   * Retry-After} when given); a redirect and any other 4xx permanent (the request or the
   * configuration is wrong and sending it again will not help).
   *
   * @param detail a short, safe word from the far side (an error code), or empty
   */
  public SendOutcome outcome(Answer a, String what, String reference, String detail) {
    int s = a.status();
    String reason = what + " answered " + s + (detail.isEmpty() ? "" : " (" + detail + ")");
    if (a.ok()) {
      return new SendOutcome.Sent(reference);
    }
    if (s == 429 || s == 408 || s >= 500) {
      return new SendOutcome.Retryable(reason, retryAfter(a.headers()));
    }
    if (s >= 300 && s < 400) {
      return new SendOutcome.Permanent(
          reason + ": redirects are not followed, configure the final URL");
    }
    return new SendOutcome.Permanent(reason);
  }

  /** {@code Retry-After} as delay-seconds or an HTTP date, measured on the injected clock. */
  public Optional<Duration> retryAfter(HttpHeaders headers) {
    Optional<String> v = headers.firstValue("Retry-After").map(String::strip);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String s = v.get();
    if (s.matches("\\d{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(s)));
    }
    try {
      Instant at = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(clock.instant(), at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads a configured secret reference. A value that is not a reference (a pasted token) or a
   * reference that cannot be read gives an outcome naming the property, never the value.
   */
  public static String secret(String property, String ref) throws Unreadable {
    SecretRef r;
    try {
      r = SecretRef.parse(ref);
    } catch (IllegalArgumentException e) {
      throw new Unreadable(
          new SendOutcome.Permanent(
              property + " must be a secret reference (env:NAME or file:/path), not a value"));
    }
    try {
      return r.resolve();
    } catch (IllegalStateException e) {
      // names the variable or the file, never the value
      throw new Unreadable(new SendOutcome.Retryable(property + ": " + e.getMessage()));
    }
  }

  /**
   * Reads a configured URL: absolute {@code http} or {@code https}, else an outcome naming the
   * property (never the value, which may be a secret URL).
   */
  public static URI uri(String property, String value) throws Unreadable {
    try {
      URI u = new URI(value.strip());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
        return u;
      }
    } catch (java.net.URISyntaxException e) {
      // refused below
    }
    throw new Unreadable(new SendOutcome.Permanent(property + " is not an absolute http(s) URL"));
  }

  /** A secret could not be had; {@link #outcome()} says which property, never the value. */
  public static final class Unreadable extends Exception {
    private final transient SendOutcome outcome;

    Unreadable(SendOutcome outcome) {
      super(null, null, false, false);
      this.outcome = outcome;
    }

    public SendOutcome outcome() {
      return outcome;
    }
  }

  /** The reason of an outcome, for a log line ("sent" for a sent one). */
  public static String reason(SendOutcome o) {
    if (o instanceof SendOutcome.Retryable r) {
      return r.reason();
    }
    if (o instanceof SendOutcome.Permanent p) {
      return p.reason();
    }
    return "sent";
  }

  /**
   * An error code from a far side, only when it has the shape of one: lower-case words joined by
   * underscores ({@code channel_not_found}, {@code invalid_auth}). Anything else (a page, an echo
   * of the request, a token: Slack's all carry digits and dashes) is dropped, so a reason never
   * repeats what a proxy or a misbehaving far side sent back.
   */
  public static String safeWord(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip();
    return t.length() <= 64 && t.matches("[a-z]+(?:_[a-z]+)*") ? t : "";
  }
}
