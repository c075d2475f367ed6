package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The REST API of one Portcullis server over {@code java.net.http}: JSON in and out, the caller's
 * credentials on every call, and problem+json answers turned into {@link CliException}s that say
 * the server's detail and the fields it names.
 */
final class Api {

  /** How a call is signed in. */
  interface Authorizer {
    /** The Authorization header value. */
    String header();

    /** After a 401: try once to get fresh credentials (a refresh token); true when it did. */
    boolean refresh();

    /** What to tell the user when the server refuses these credentials. */
    String refusedHint();
  }

  static final String USER_AGENT = "portcullis-cli/" + Versions.version();

  private final String server;
  private final HttpClient http;
  private final Authorizer auth;

  Api(String server, HttpClient http, Authorizer auth) {
    this.server = server;
    this.http = http;
    this.auth = auth;
  }

  static HttpClient client() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  String server() {
    return server;
  }

  JsonNode get(String path) {
    return call("GET", path, null);
  }

  JsonNode post(String path, JsonNode body) {
    return call("POST", path, body);
  }

  private JsonNode call(String method, String path, JsonNode body) {
    HttpResponse<String> r = send(method, path, body);
    if (r.statusCode() == 401 && auth != null && auth.refresh()) {
      r = send(method, path, body);
    }
    if (r.statusCode() / 100 == 2) {
      return r.body() == null || r.body().isBlank() ? Json.object() : Json.parse(r.body());
    }
    if (r.statusCode() == 401) {
      JsonNode p = problemBody(r.body());
      throw new CliException(
          ExitCodes.NOT_SIGNED_IN,
          "The server refused your credentials (401): "
              + (auth == null ? "sign in with portcullis login" : auth.refusedHint()),
          p,
          null);
    }
    if (r.statusCode() / 100 == 3) {
      throw new CliException(
          ExitCodes.FAILURE,
          "The server answered "
              + r.statusCode()
              + " (a redirect to "
              + r.headers().firstValue("Location").orElse("?")
              + "): is "
              + server
              + " the Portcullis API?");
    }
    throw problem(r.statusCode(), r.body());
  }

  private HttpResponse<String> send(String method, String path, JsonNode body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server + path))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "application/json, application/problem+json")
            .header("User-Agent", USER_AGENT);
    if (auth != null) {
      b.header("Authorization", auth.header());
    }
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
    } else if (method.equals("POST")) {
      b.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return send(http, b.build(), server);
  }

  /** Sends, turning "cannot connect" into a message that names the server and how to change it. */
  static HttpResponse<String> send(HttpClient http, HttpRequest request, String what) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "Cannot reach "
              + what
              + " ("
              + (e.getMessage() == null ? "connection refused" : e.getMessage())
              + "). Is it running? Set the server with --server or PORTCULLIS_URL.",
          null,
          e);
    } catch (HttpTimeoutException e) {
      throw new CliException(ExitCodes.UNAVAILABLE, what + " did not answer in time.", null, e);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "Cannot talk to " + what + ": " + (e.getMessage() == null ? e : e.getMessage()),
          null,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.INTERRUPTED, "Interrupted.", null, e);
    }
  }

  static JsonNode problemBody(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonNode n = Json.mapper().readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** An HTTP error answer as a CliException: the problem's detail, and the fields it names. */
  static CliException problem(int status, String body) {
    JsonNode p = problemBody(body);
    return new CliException(ExitCodes.forStatus(status), describe(status, p, body), p, null);
  }

  /**
   * "detail (field, field)", then one line per field error whose message the detail does not
   * already say, and its hint.
   */
  static String describe(int status, JsonNode p, String body) {
    if (p == null) {
      return "The server answered "
          + status
          + (body == null || body.isBlank() ? "" : ": " + Json.abbreviate(body));
    }
    String detail = Json.text(p, "detail");
    if (detail == null) {
      detail = Json.text(p, "title");
    }
    if (detail == null) {
      detail = "The server answered " + status;
    }
    List<String> fields = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    JsonNode errors = p.get("errors");
    if (errors != null && errors.isArray()) {
      for (JsonNode e : errors) {
        String field = Json.text(e, "field");
        String message = Json.text(e, "message");
        String hint = Json.text(e, "hint");
        if (field != null && !fields.contains(field)) {
          fields.add(field);
        }
        if (message != null && !detail.contains(message)) {
          lines.add("  " + (field == null ? "" : field + ": ") + message);
        }
        if (hint != null) {
          lines.add("  " + (field == null ? "" : field + ": ") + hint);
        }
      }
    }
    StringBuilder sb = new StringBuilder(detail);
    if (!fields.isEmpty()) {
      sb.append(" (").append(String.join(", ", fields)).append(")");
    }
    for (String l : lines) {
      sb.append('\n').append(l);
    }
    return sb.toString();
  }

  static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .filter(e -> e.getValue() != null)
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static String path(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
