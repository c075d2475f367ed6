package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sign-in at the identity provider: the OAuth 2.0 device authorization grant (RFC 8628) for people
 * at a terminal, and the refresh token grant that keeps the session going. Endpoints come from the
 * issuer's discovery document.
 */
final class Oidc {

  static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

  /** The endpoints the command line uses, from {@code /.well-known/openid-configuration}. */
  record Endpoints(String device, String token, String revocation) {}

  /** Sleeps between polls; tests may make it instant. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final HttpClient http;
  private final Clock clock;
  private final Sleeper sleeper;

  Oidc(HttpClient http, Clock clock, Sleeper sleeper) {
    this.http = http;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  Endpoints discover(String issuer) {
    String url = issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration";
    HttpResponse<String> r =
        Api.send(
            http,
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
            "the identity provider at " + issuer);
    if (r.statusCode() != 200) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "The identity provider's discovery document " + url + " answered " + r.statusCode());
    }
    JsonNode d = Json.parse(r.body());
    String device = Json.text(d, "device_authorization_endpoint");
    String token = Json.text(d, "token_endpoint");
    if (token == null) {
      throw new CliException(ExitCodes.FAILURE, url + " names no token_endpoint");
    }
    return new Endpoints(device, token, Json.text(d, "revocation_endpoint"));
  }

  /**
   * Runs the device flow: asks for a code, tells the person where to enter it (on {@code tell}),
   * polls until they did, and answers the new session.
   */
  ObjectNode deviceSignIn(String issuer, String clientId, List<String> scopes, PrintWriter tell) {
    Endpoints e = discover(issuer);
    if (e.device() == null) {
      throw new CliException(
          ExitCodes.FAILURE,
          "The identity provider at "
              + issuer
              + " does not offer the device authorization grant (no"
              + " device_authorization_endpoint): sign in with PORTCULLIS_TOKEN instead");
    }
    Map<String, String> ask = new LinkedHashMap<>();
    ask.put("client_id", clientId);
    ask.put("scope", String.join(" ", scopes.isEmpty() ? List.of("openid") : scopes));
    HttpResponse<String> r = postForm(e.device(), ask, "the identity provider");
    JsonNode code = Json.parse(r.body());
    if (r.statusCode() != 200) {
      throw new CliException(
          ExitCodes.NOT_SIGNED_IN,
          "The identity provider refused to start a device sign-in for client "
              + clientId
              + ": "
              + oauthError(code));
    }
    String deviceCode = Json.text(code, "device_code");
    String userCode = Json.text(code, "user_code");
    String uri = Json.text(code, "verification_uri");
    String complete = Json.text(code, "verification_uri_complete");
    long expiresIn = code.path("expires_in").asLong(600);
    long interval = Math.max(1, code.path("interval").asLong(5));
    tell.println("To sign in, open this address in a browser:");
    tell.println();
    tell.println("  " + (complete != null ? complete : uri));
    tell.println();
    tell.println(
        "and check that it shows the code "
            + userCode
            + (complete != null ? " (or open " + uri + " and enter it)." : "."));
    tell.println("Waiting for you to finish signing in…");
    tell.flush();
    Instant deadline = clock.instant().plusSeconds(expiresIn);
    Map<String, String> poll = new LinkedHashMap<>();
    poll.put("grant_type", DEVICE_GRANT);
    poll.put("device_code", deviceCode);
    poll.put("client_id", clientId);
    while (true) {
      try {
        sleeper.sleep(Duration.ofSeconds(interval));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new CliException(ExitCodes.INTERRUPTED, "Sign-in interrupted.");
      }
      HttpResponse<String> t = postForm(e.token(), poll, "the identity provider");
      JsonNode answer = Json.parse(t.body());
      if (t.statusCode() == 200) {
        return session(issuer, clientId, e, answer);
      }
      String error = Json.text(answer, "error");
      if ("authorization_pending".equals(error)) {
        // not yet
      } else if ("slow_down".equals(error)) {
        interval += 5;
      } else if ("access_denied".equals(error)) {
        throw new CliException(
            ExitCodes.NOT_SIGNED_IN, "Sign-in was refused at the identity provider.");
      } else if ("expired_token".equals(error)) {
        throw new CliException(
            ExitCodes.NOT_SIGNED_IN,
            "The code "
                + userCode
                + " expired before sign-in finished: run portcullis login again.");
      } else {
        throw new CliException(
            ExitCodes.NOT_SIGNED_IN,
            "Sign-in failed at the identity provider: " + oauthError(answer));
      }
      if (clock.instant().isAfter(deadline)) {
        throw new CliException(
            ExitCodes.NOT_SIGNED_IN,
            "The code "
                + userCode
                + " expired before sign-in finished: run portcullis login again.");
      }
    }
  }

  /**
   * Replaces the session's tokens with fresh ones from its refresh token; false when there is no
   * refresh token or the identity provider refuses it (the person must sign in again).
   */
  boolean refresh(ObjectNode session) {
    String refreshToken = Json.text(session, "refreshToken");
    String tokenEndpoint = Json.text(session, "tokenEndpoint");
    if (refreshToken == null || tokenEndpoint == null) {
      return false;
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    form.put("client_id", Json.text(session, "clientId"));
    HttpResponse<String> r = postForm(tokenEndpoint, form, "the identity provider");
    if (r.statusCode() != 200) {
      return false;
    }
    JsonNode t = Json.parse(r.body());
    apply(session, t);
    return Json.text(session, "accessToken") != null;
  }

  /** Best effort: tells the identity provider to forget the refresh token (RFC 7009). */
  void revoke(ObjectNode session) {
    String refreshToken = Json.text(session, "refreshToken");
    String endpoint = Json.text(session, "revocationEndpoint");
    if (refreshToken == null || endpoint == null) {
      return;
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("token", refreshToken);
    form.put("token_type_hint", "refresh_token");
    form.put("client_id", Json.text(session, "clientId"));
    try {
      postForm(endpoint, form, "the identity provider");
    } catch (CliException unreachable) {
      // the local session is gone either way; the refresh token expires at the provider
    }
  }

  private ObjectNode session(String issuer, String clientId, Endpoints e, JsonNode tokens) {
    ObjectNode s = Json.object();
    s.put("kind", "oidc");
    s.put("issuer", issuer);
    s.put("clientId", clientId);
    s.put("tokenEndpoint", e.token());
    if (e.revocation() != null) {
      s.put("revocationEndpoint", e.revocation());
    }
    apply(s, tokens);
    if (Json.text(s, "accessToken") == null) {
      throw new CliException(
          ExitCodes.NOT_SIGNED_IN, "The identity provider answered no access token.");
    }
    return s;
  }

  private void apply(ObjectNode s, JsonNode t) {
    Instant now = clock.instant();
    s.put("accessToken", Json.text(t, "access_token"));
    s.put("expiresAt", now.plusSeconds(t.path("expires_in").asLong(300)).getEpochSecond());
    String refresh = Json.text(t, "refresh_token");
    if (refresh != null) {
      s.put("refreshToken", refresh);
    }
    if (t.hasNonNull("refresh_expires_in") && t.get("refresh_expires_in").asLong() > 0) {
      s.put(
          "refreshExpiresAt",
          now.plusSeconds(t.get("refresh_expires_in").asLong()).getEpochSecond());
    }
  }

  private HttpResponse<String> postForm(String url, Map<String, String> form, String what) {
    return Api.send(
        http,
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header("User-Agent", Api.USER_AGENT)
            .POST(HttpRequest.BodyPublishers.ofString(Api.form(form)))
            .build(),
        what);
  }

  static String oauthError(JsonNode answer) {
    String error = Json.text(answer, "error");
    String description = Json.text(answer, "error_description");
    if (error == null) {
      return Json.abbreviate(Json.write(answer));
    }
    return description == null ? error : error + " (" + description + ")";
  }
}
