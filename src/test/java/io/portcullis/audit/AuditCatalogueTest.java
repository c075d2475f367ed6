package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The event catalogue ({@code src/docs/audit-events.md}) and the code agree: every event type the
 * code can append is documented, and every documented type is still emitted.
 */
class AuditCatalogueTest {

  /**
   * Event types the code emits: the {@code TYPES} constant of every audit-trail class (a class
   * named {@code *Audit}; {@code ArchitectureTest} keeps every {@code AuditEvent} construction in
   * one of them).
   */
  static final Pattern DOCUMENTED = Pattern.compile("^\\| `([a-z][a-z0-9_]*\\.[a-z0-9_]+)` \\|");

  @SuppressWarnings("unchecked")
  static Set<String> emitted() {
    Set<String> types = new TreeSet<>();
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.portcullis");
    for (JavaClass c : classes) {
      if (!c.getSimpleName().endsWith("Audit") || c.getSimpleName().equals("Audit")) {
        continue;
      }
      try {
        Field f = c.reflect().getField("TYPES");
        types.addAll((List<String>) f.get(null));
      } catch (NoSuchFieldException e) {
        throw new AssertionError(c.getName() + " is an audit trail without a TYPES list", e);
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
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
