package io.portcullis.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No main source file is over 500 lines (ADR 0008): a class that long is several classes. Split it
 * by job before adding to it.
 */
class ClassSizeTest {

  static final int MAX_LINES = 500;

  @Test
  void noMainClassIsOver500Lines() throws IOException {
    Map<String, Long> over = new TreeMap<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        long lines;
        try (Stream<String> l = Files.lines(f)) {
          lines = l.count();
        }
        if (lines > MAX_LINES) {
          over.put(f.toString(), lines);
        }
      }
    }
    assertThat(over).as("main classes over %d lines", MAX_LINES).isEmpty();
  }
}
