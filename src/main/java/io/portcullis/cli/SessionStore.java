package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The sessions file, {@code <config dir>/sessions.json}: per server, how to sign in (the demo's
 * Basic user, or OIDC tokens with their refresh token), and which server was used last. The
 * directory is made owner-only (0700) and the file is written owner-only (0600), replaced
 * atomically, never readable by anyone else even for a moment.
 */
final class SessionStore {

  static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private final Path dir;
  private final Path file;

  SessionStore(Path dir) {
    this.dir = dir;
    this.file = dir.resolve("sessions.json");
  }

  Path file() {
    return file;
  }

  /** The whole file, or an empty document when there is none. */
  ObjectNode load() {
    if (!Files.exists(file)) {
      return emptyDocument();
    }
    try {
      JsonNode n = Json.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (n instanceof ObjectNode o) {
        if (!(o.get("servers") instanceof ObjectNode)) {
          o.set("servers", Json.object());
        }
        return o;
      }
      return emptyDocument();
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILURE, "Cannot read " + file + ": " + e.getMessage());
    }
  }

  private static ObjectNode emptyDocument() {
    ObjectNode o = Json.object();
    o.set("servers", Json.object());
    return o;
  }

  /** The session for a server, or null. */
  ObjectNode session(String server) {
    JsonNode s = load().get("servers").get(server);
    return s instanceof ObjectNode o ? o : null;
  }

  /** The server signed in to last, or null. */
  String lastServer() {
    return Json.text(load(), "default");
  }

  void put(String server, ObjectNode session) {
    ObjectNode doc = load();
    ((ObjectNode) doc.get("servers")).set(server, session);
    doc.put("default", server);
    save(doc);
  }

  /** Forgets a server's session; true when there was one. */
  boolean remove(String server) {
    ObjectNode doc = load();
    boolean had = ((ObjectNode) doc.get("servers")).remove(server) != null;
    if (server.equals(Json.text(doc, "default"))) {
      doc.remove("default");
    }
    if (had || Files.exists(file)) {
      save(doc);
    }
    return had;
  }

  void save(ObjectNode doc) {
    try {
      ensureDirectory();
      Path tmp = dir.resolve(".sessions-" + ProcessHandle.current().pid() + ".tmp");
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(FILE));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        throw new IOException(tmp + " exists", e);
      }
      Files.writeString(tmp, Json.write(doc) + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      restrict(file, FILE);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILURE, "Cannot write " + file + ": " + e.getMessage());
    }
  }

  private void ensureDirectory() throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir.getParent());
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
      } catch (UnsupportedOperationException notPosix) {
        Files.createDirectory(dir);
      } catch (FileAlreadyExistsException raced) {
        // made meanwhile: its permissions are set below
      }
    }
    restrict(dir, DIR);
  }

  private static void restrict(Path p, Set<PosixFilePermission> perms) throws IOException {
    try {
      Files.setPosixFilePermissions(p, perms);
    } catch (UnsupportedOperationException notPosix) {
      // e.g. Windows: the user's profile directory is private already
    }
  }
}
