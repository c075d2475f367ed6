package io.portcullis.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A blocking HTTP/1.1 client on one kept-alive socket, for the benches' sequential lines: the call
 * is written and its answer read on the calling thread, so a measured call holds no client-side
 * hand-off between threads. The JDK's {@code HttpClient} passes each call through its selector
 * thread and an executor and back (ADR 0016 measures what that adds). It speaks only what the
 * benches need: a POST with a JSON body, and an answer with {@code Content-Length} or chunked.
 */
final class PlainHttp implements AutoCloseable {

  /** An answer: its status and its body as text. */
  record Response(int status, String body) {}

  private final String host;
  private final int port;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  PlainHttp(String base) {
    URI uri = URI.create(base);
    this.host = uri.getHost();
    this.port = uri.getPort();
  }

  /** POSTs {@code json} to {@code path} with a bearer token, and reads the whole answer. */
  Response post(String path, String token, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + ":"
            + port
            + "\r\nAuthorization: Bearer "
            + token
            + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    if (socket == null) {
      connect();
    }
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
    return read();
  }

  private void connect() throws IOException {
    socket = new Socket(host, port);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 16_384);
  }

  private Response read() throws IOException {
    String status = line();
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x answer: " + status);
    }
    int code = Integer.parseInt(parts[1]);
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> close = value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (long size = Long.parseLong(chunkSize(line()), 16);
          size > 0;
          size = Long.parseLong(chunkSize(line()), 16)) {
        copy(size, body);
        line(); // the CRLF after the chunk
      }
      for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
        // trailers: none expected, skipped
      }
    } else if (length >= 0) {
      copy(length, body);
    } else {
      throw new IOException("an answer without Content-Length or chunking: " + status);
    }
    if (close) {
      close();
    }
    return new Response(code, body.toString(StandardCharsets.UTF_8));
  }

  private static String chunkSize(String line) {
    int semicolon = line.indexOf(';');
    return (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
  }

  private void copy(long n, ByteArrayOutputStream to) throws IOException {
    byte[] buf = new byte[8_192];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw new IOException("the connection closed inside an answer");
      }
      to.write(buf, 0, r);
      n -= r;
    }
  }

  /** One header line without its CRLF. */
  private String line() throws IOException {
    StringBuilder s = new StringBuilder(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection closed inside an answer");
      }
      if (b == '\n') {
        int end = s.length();
        if (end > 0 && s.charAt(end - 1) == '\r') {
          s.setLength(end - 1);
        }
        return s.toString();
      }
      s.append((char) b);
    }
  }

  @Override
  public void close() throws IOException {
    Socket s = socket;
    socket = null;
    if (s != null) {
      s.close();
    }
  }
}
