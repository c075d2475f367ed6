package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The event catalogue ({@code src/docs/audit-events.md}) and the code agree: every event type the
 * code can append is documented, and every documented type is still emitted.
 */
class AuditCatalogueTest {

  static final Pattern LITERAL_EVENT =
      Pattern.compile(
          "(?:new AuditEvent|AuditEvent\\.of)\\(\\s*\"([a-z][a-z0-9_]*(?:\\.[a-z0-9_]+)+)\"");
  static final Pattern COMPUTED_EVENT =
      Pattern.compile("(?:new AuditEvent|AuditEvent\\.of)\\(\\s*[a-zA-Z]");
  static final Pattern TYPE_LITERAL = Pattern.compile("\"([a-z][a-z0-9_]*\\.[a-z0-9_]+)\"");
  static final Pattern DOCUMENTED = Pattern.compile("^\\| `([a-z][a-z0-9_]*\\.[a-z0-9_]+)` \\|");

  /**
   * Event types the code emits: literal first arguments, and in files that compute the type, the
   * type-shaped string literals next to the call.
   */
  static Set<String> emitted() throws IOException {
    Set<String> types = new TreeSet<>();
    // the features' audit-trail classes name their event types as constants
    types.addAll(io.portcullis.request.RequestAudit.TYPES);
    types.addAll(io.portcullis.grant.GrantAudit.TYPES);
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (f.getFileName().toString().equals("AuditEvent.java")) {
          continue;
        }
        String s = Files.readString(f);
        Matcher m = LITERAL_EVENT.matcher(s);
        while (m.find()) {
          types.add(m.group(1));
        }
        if (COMPUTED_EVENT.matcher(s).find()) {
          Matcher t = TYPE_LITERAL.matcher(s);
          String prefix = f.getFileName().toString().startsWith("Policy") ? "policy." : null;
          while (t.find()) {
            if (prefix != null && t.group(1).startsWith(prefix)) {
              types.add(t.group(1));
            }
          }
        }
      }
    }
    return types;
  }

  static Set<String> documented() throws IOException {
    Set<String> types = new TreeSet<>();
    boolean inTypes = false;
    for (String line : Files.readAllLines(Path.of("src/docs/audit-events.md"))) {
      if (line.startsWith("## ")) {
        inTypes = line.equals("## Event types");
      }
      if (!inTypes) {
        continue;
      }
      Matcher m = DOCUMENTED.matcher(line);
      if (m.find()) {
        types.add(m.group(1));
      }
    }
    return types;
  }

  @Test
  void everyEmittedTypeIsDocumentedAndEveryDocumentedTypeIsEmitted() throws IOException {
    Set<String> emitted = emitted();
    Set<String> documented = documented();
    assertThat(emitted).as("emitted").hasSizeGreaterThan(15).contains("policy.accepted");
    assertThat(documented)
        .as("event types the code emits but src/docs/audit-events.md does not list")
        .containsAll(emitted);
    assertThat(emitted)
        .as("event types src/docs/audit-events.md lists but the code no longer emits")
        .containsAll(documented);
  }

  @Test
  void everyTypeIsAStableDottedCode() throws IOException {
    for (String t : emitted()) {
      assertThat(AuditEvent.TYPE.matcher(t).matches()).as(t).isTrue();
    }
  }
}
