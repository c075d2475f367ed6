package io.portcullis.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A JDK HttpServer answering fixed routes, for the command line's unit tests: a stand-in for the
 * Portcullis API and for an identity provider speaking RFC 8628 and the refresh token grant.
 */
final class StubServer implements AutoCloseable {

  /** One answer. */
  record Answer(int status, String contentType, String body) {
    static Answer json(int status, String body) {
      return new Answer(status, "application/json", body);
    }
  }

  /** One request as received. */
  record Received(String method, String path, String authorization, String body) {
    Map<String, String> form() {
      Map<String, String> out = new HashMap<>();
      for (String pair : body.split("&")) {
        int i = pair.indexOf('=');
        if (i > 0) {
          out.put(
              URLDecoder.decode(pair.substring(0, i), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
        }
      }
      return out;
    }
  }

  final HttpServer server;
  final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Function<Received, Answer>> routes = new HashMap<>();

  StubServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  StubServer route(String methodAndPath, Function<Received, Answer> answer) {
    routes.put(methodAndPath, answer);
    return this;
  }

  private void handle(HttpExchange x) throws IOException {
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = x.getRequestURI().getRawPath();
    Received r =
        new Received(
            x.getRequestMethod(), path, x.getRequestHeaders().getFirst("Authorization"), body);
    received.add(r);
    Function<Received, Answer> route = routes.get(x.getRequestMethod() + " " + path);
    Answer a =
        route == null
            ? new Answer(
                404,
                "application/problem+json",
                "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no route " + path + "\"}")
            : route.apply(r);
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", a.contentType());
    x.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  List<Received> to(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
