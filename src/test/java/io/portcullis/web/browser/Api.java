package io.portcullis.web.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;

/**
 * The API as one of the realm's people, with an access token from Keycloak (the password grant of
 * the test client): for what a browser test arranges or tidies rather than tests, such as
 * withdrawing a person's open asks so that the test's own requests are new. The realm's people are
 * shared by every browser test, and an equal open ask would otherwise answer a new one.
 */
public final class Api {

  /** Grant states that still give (or are about to give) access. */
  static final Set<String> LIVE = Set.of("SCHEDULED", "ACTIVATING", "ACTIVE");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final String app;
  private final String token;

  private Api(String app, String token) {
    this.app = app;
    this.token = token;
  }

  /** Signs in as {@code user} (password = name) and calls the application at {@code app}. */
  public static Api as(String app, String user) {
    String form =
        "grant_type=password&client_id="
            + enc(KeycloakServer.CLIENT_ID)
            + "&client_secret="
            + enc(KeycloakServer.CLIENT_SECRET)
            + "&username="
            + enc(user)
            + "&password="
            + enc(user);
    if (user.equals("carol")) {
      form += "&totp=" + Totp.now(KeycloakServer.CAROL_OTP_SECRET);
    }
    JsonNode answer =
        send(
            HttpRequest.newBuilder(
                    URI.create(KeycloakServer.get().issuer() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
    return new Api(app, answer.get("access_token").asText());
  }

  public JsonNode get(String path) {
    return send(request(path).GET().build());
  }

  public JsonNode post(String path, Object body) {
    try {
      return send(
          request(path)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Cancels the person's pending requests and revokes their live grants, and waits until none is
   * live, so that what the test asks next is a new request.
   */
  public Api withdrawOpenAsks() {
    for (JsonNode r : items("/api/v1/requests?view=mine&state=PENDING&limit=100")) {
      post("/api/v1/requests/" + r.get("id").asText() + "/cancel", java.util.Map.of());
    }
    for (JsonNode g : items("/api/v1/grants?view=mine&limit=100")) {
      if (LIVE.contains(g.get("state").asText())) {
        post(
            "/api/v1/grants/" + g.get("id").asText() + "/revoke",
            java.util.Map.of("reason", "a browser test starts afresh"));
      }
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () ->
                StreamSupport.stream(
                        items("/api/v1/grants?view=mine&limit=100").spliterator(), false)
                    .noneMatch(
                        g ->
                            LIVE.contains(g.get("state").asText())
                                || g.get("state").asText().equals("REVOKING")));
    return this;
  }

  /**
   * Lifts every active suspension (as an admin): an access review closed by another browser test
   * may have suspended the realm's people, who are shared by every browser test.
   */
  public Api liftSuspensions() {
    for (JsonNode s : items("/api/v1/admin/suspensions?state=active&limit=200")) {
      post(
          "/api/v1/admin/suspensions/" + s.get("id").asText() + "/lift",
          java.util.Map.of("reason", "a browser test starts afresh"));
    }
    return this;
  }

  private Iterable<JsonNode> items(String path) {
    return get(path).get("items");
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(app + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  private static JsonNode send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(
            request.method()
                + " "
                + request.uri()
                + " answered "
                + r.statusCode()
                + ": "
                + r.body());
      }
      return r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
