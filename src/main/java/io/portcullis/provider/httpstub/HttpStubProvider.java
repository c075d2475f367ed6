package io.portcullis.provider.httpstub;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.provider.Capability;
import io.portcullis.provider.Credential;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.InvalidParamException;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ParamReader;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.ProviderKind;
import io.portcullis.provider.RenewRequest;
import io.portcullis.provider.Renewed;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Grants access through a small HTTP protocol, for services that have no provider of their own and
 * for tests and benchmarks (a stub speaking it runs in the test JVM). The protocol, documented in
 * {@code src/docs/providers.md}:
 *
 * <ul>
 *   <li>{@code PUT {url}/grants/{grantId}} with the grant as JSON answers 200 or 201 with {@code
 *       {"credential": {…}, "handle": {…}, "effectiveUntil": …}}; repeating it for the same grant
 *       returns the same access (idempotent by grant id).
 *   <li>{@code POST {url}/grants/{grantId}/revoke} with {@code {"handle": …, "reason": …}} answers
 *       200 or 204; 404 means there is nothing to revoke.
 *   <li>{@code POST {url}/grants/{grantId}/renew} with {@code {"handle": …, "notAfter": …}}.
 *   <li>{@code GET {url}/health} answers 200 when the service is up.
 * </ul>
 *
 * 429 is throttling (with {@code Retry-After} in seconds), other 4xx are permanent, 5xx and network
 * failures are transient, and no answer within the timeout is a timeout.
 */
@ApplicationScoped
public class HttpStubProvider implements CredentialProvider {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final HttpStubConfig config;
  private final HttpClient http;

  HttpStubProvider(HttpStubConfig config) {
    this.config = config;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.timeout())
            .build();
  }

  /**
   * The parameters the provider itself reads; all of them are passed to the service as {@code
   * params}.
   *
   * @param inputs values the requester must supply, by name, with what to enter
   */
  public record Params(Map<String, String> inputs) {
    static Params read(ParamReader p) throws InvalidParamException {
      return new Params(p.textMap("inputs"));
    }
  }

  public static final ProviderKind<Params> KIND = new ProviderKind<>("http-stub", Params::read);

  @Override
  public ProviderKind<Params> providerKind() {
    return KIND;
  }

  @Override
  public boolean configured() {
    return config.url().filter(u -> !u.isBlank()).isPresent();
  }

  @Override
  public String configurationHint() {
    return "set portcullis.providers.http-stub.url to the base URL of the service";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(
        Capability.REVOKE_WITHOUT_HANDLE,
        Capability.CONFIG_CHECK,
        Capability.RENEW,
        Capability.RESIDUAL_WINDOW);
  }

  /**
   * The service may need values from the requester: policy lists them as {@code inputs: {name:
   * description}} and they are sent as {@code inputs} with the issue call.
   */
  @Override
  public Map<String, String> requiredInputs(Map<String, Object> params) {
    try {
      return KIND.params(params).inputs();
    } catch (InvalidParamException e) {
      return Map.of(); // policy load refuses such a policy; the issue call says why
    }
  }

  @Override
  public Issued issue(IssueRequest r) throws ProviderException {
    KIND.params(r.params());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("grantId", r.grantId().toString());
    body.put("requestId", r.requestId() == null ? null : r.requestId().toString());
    body.put("entitlement", r.entitlement());
    body.put("params", r.params());
    Map<String, Object> requester = new LinkedHashMap<>();
    if (r.requester() != null) {
      requester.put("subject", r.requester().subject());
      requester.put("name", r.requester().name());
      requester.put("email", r.requester().email());
      requester.put("groups", r.requester().groups());
    }
    body.put("requester", requester);
    body.put("notAfter", r.notAfter() == null ? null : r.notAfter().toString());
    body.put("durationSeconds", r.duration() == null ? null : r.duration().getSeconds());
    body.put("ticket", r.ticket());
    body.put("inputs", r.inputs());
    body.put("attempt", r.attempt());
    Map<String, Object> answer = call("PUT", grantPath(r.grantId()), body, "issue");
    Object credential = answer.get("credential");
    if (!(credential instanceof Map<?, ?> fields) || fields.isEmpty()) {
      throw new ProviderException(
          Kind.TRANSIENT, "http-stub answered issue without a credential object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    fields.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    Map<String, Object> handle = new LinkedHashMap<>();
    if (answer.get("handle") instanceof Map<?, ?> h) {
      h.forEach((k, v) -> handle.put(String.valueOf(k), v));
    }
    return new Issued(Credential.of(out), handle, instant(answer.get("effectiveUntil")));
  }

  @Override
  public Revoked revoke(RevokeRequest r) throws ProviderException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("handle", r.handle());
    body.put("reason", r.reason());
    body.put("attempt", r.attempt());
    Map<String, Object> answer = call("POST", grantPath(r.grantId()) + "/revoke", body, "revoke");
    return new Revoked(instant(answer.get("effectiveUntil")));
  }

  @Override
  public Renewed renew(RenewRequest r) throws ProviderException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("handle", r.handle());
    body.put("notAfter", r.newNotAfter().toString());
    Map<String, Object> answer = call("POST", grantPath(r.grantId()) + "/renew", body, "renew");
    return new Renewed(instant(answer.get("effectiveUntil")));
  }

  @Override
  public void check() throws ProviderException {
    call("GET", "/health", null, "health check");
  }

  private static String grantPath(UUID grantId) {
    return "/grants/" + grantId;
  }

  private static Instant instant(Object o) throws ProviderException {
    if (o == null) {
      return null;
    }
    try {
      return Instant.parse(String.valueOf(o));
    } catch (RuntimeException e) {
      throw new ProviderException(
          Kind.TRANSIENT, "http-stub answered a time that is not ISO-8601: " + o);
    }
  }

  private Map<String, Object> call(String method, String path, Object body, String what)
      throws ProviderException {
    String base = config.url().orElseThrow(() -> new ProviderException(Kind.PERMANENT, hint()));
    String url = base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path;
    HttpRequest.Builder b;
    try {
      b = HttpRequest.newBuilder(URI.create(url)).timeout(config.timeout());
    } catch (IllegalArgumentException e) {
      throw new ProviderException(
          Kind.PERMANENT, "portcullis.providers.http-stub.url is not a valid URL");
    }
    config.token().ifPresent(t -> b.header("Authorization", "Bearer " + t));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      try {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } catch (IOException e) {
        throw new ProviderException(Kind.PERMANENT, "cannot encode the " + what + " call");
      }
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new ProviderException(
          Kind.TIMEOUT,
          "http-stub " + what + " got no answer within " + config.timeout(),
          null,
          null);
    } catch (IOException e) {
      throw new ProviderException(
          Kind.TRANSIENT,
          "http-stub " + what + " failed: " + e.getClass().getSimpleName(),
          null,
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.TIMEOUT, "http-stub " + what + " was interrupted");
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      if (response.body().length == 0) {
        return Map.of();
      }
      try {
        return JSON.readValue(response.body(), OBJECT);
      } catch (IOException e) {
        throw new ProviderException(
            Kind.TRANSIENT, "http-stub answered " + what + " with a body that is not JSON");
      }
    }
    String detail = detail(response.body());
    String message =
        "http-stub " + what + " answered " + status + (detail.isEmpty() ? "" : ": " + detail);
    if (status == 404) {
      throw new ProviderException(Kind.NOT_FOUND, message);
    }
    if (status == 429) {
      Duration retryAfter =
          response
              .headers()
              .firstValue("Retry-After")
              .filter(v -> v.matches("\\d{1,5}"))
              .map(v -> Duration.ofSeconds(Long.parseLong(v)))
              .orElse(null);
      throw new ProviderException(Kind.THROTTLED, message, retryAfter, null);
    }
    throw new ProviderException(status >= 500 ? Kind.TRANSIENT : Kind.PERMANENT, message);
  }

  private String hint() {
    return "provider 'http-stub' is not configured: " + configurationHint();
  }

  /** The problem detail or error text of an error answer, if it has one. */
  private static String detail(byte[] body) {
    if (body.length == 0) {
      return "";
    }
    try {
      Map<String, Object> m = JSON.readValue(body, OBJECT);
      Object d = m.getOrDefault("detail", m.get("error"));
      return d == null ? "" : String.valueOf(d);
    } catch (IOException e) {
      return "";
    }
  }
}
