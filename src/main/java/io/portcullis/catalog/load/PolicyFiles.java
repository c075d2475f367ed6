package io.portcullis.catalog.load;

import io.portcullis.catalog.model.SourceLocation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the policy directory safely: every {@code *.yaml}/{@code *.yml} below it except {@code
 * tests/} and dot-entries (Kubernetes ConfigMap mounts keep their data in {@code ..data}, reached
 * through symlinks), refusing files that are too large, not UTF-8, or that resolve outside the
 * directory.
 */
public final class PolicyFiles {

  private PolicyFiles() {}

  /** A policy file's name relative to the directory, and its text. */
  public record PolicyFile(String name, String text) {}

  /** The files read, and the problems with files that could not be read. */
  public record Read(List<PolicyFile> files, List<PolicyIssue> issues) {}

  public static Read read(Path directory) {
    List<PolicyFile> files = new ArrayList<>();
    List<PolicyIssue> issues = new ArrayList<>();
    Path root;
    try {
      root = directory.toRealPath();
    } catch (IOException e) {
      issues.add(
          new PolicyIssue(
              new SourceLocation(directory.toString(), 0, 0),
              "policy directory cannot be read: " + e.getClass().getSimpleName(),
              "set portcullis.policy.dir to an existing directory"));
      return new Read(files, issues);
    }
    List<Path> candidates;
    try (Stream<Path> walk = Files.walk(root, 8, FileVisitOption.FOLLOW_LINKS)) {
      candidates =
          walk.filter(p -> isPolicyFile(root, p))
              .sorted()
              .limit(PolicyLimits.MAX_FILES + 1)
              .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      issues.add(
          new PolicyIssue(
              new SourceLocation(root.toString(), 0, 0),
              "policy directory cannot be listed: " + e.getMessage(),
              null));
      return new Read(files, issues);
    }
    if (candidates.size() > PolicyLimits.MAX_FILES) {
      issues.add(
          new PolicyIssue(
              new SourceLocation(root.toString(), 0, 0),
              "more than " + PolicyLimits.MAX_FILES + " policy files",
              "merge small files"));
      return new Read(files, issues);
    }
    long total = 0;
    for (Path p : candidates) {
      String name = root.relativize(p).toString();
      SourceLocation where = new SourceLocation(name, 0, 0);
      try {
        Path real = p.toRealPath();
        if (!real.startsWith(root)) {
          issues.add(
              new PolicyIssue(
                  where,
                  "symbolic link points outside the policy directory (to " + real + ")",
                  "copy the file into the policy directory instead of linking to it"));
          continue;
        }
        long size = Files.size(real);
        if (size > PolicyLimits.MAX_FILE_BYTES) {
          issues.add(
              new PolicyIssue(
                  where,
                  "file is "
                      + size
                      + " bytes, more than the limit of "
                      + PolicyLimits.MAX_FILE_BYTES,
                  "split it into several files"));
          continue;
        }
        total += size;
        if (total > PolicyLimits.MAX_TOTAL_BYTES) {
          issues.add(new PolicyIssue(where, "policy set exceeds 64 MiB in total", null));
          break;
        }
        byte[] bytes = Files.readAllBytes(real);
        files.add(new PolicyFile(name, decodeUtf8(bytes, where, issues)));
      } catch (IOException e) {
        issues.add(new PolicyIssue(where, "cannot be read: " + e.getClass().getSimpleName(), null));
      }
    }
    files.removeIf(f -> f.text() == null);
    return new Read(files, issues);
  }

  private static boolean isPolicyFile(Path root, Path p) {
    Path rel = root.relativize(p);
    for (Path part : rel) {
      if (part.toString().startsWith(".")) {
        return false;
      }
    }
    if (rel.getNameCount() > 1 && rel.getName(0).toString().equals("tests")) {
      return false;
    }
    String n = p.getFileName().toString();
    return (n.endsWith(".yaml") || n.endsWith(".yml")) && Files.isRegularFile(p);
  }

  private static String decodeUtf8(byte[] bytes, SourceLocation where, List<PolicyIssue> issues) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int offset = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < offset; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      issues.add(
          new PolicyIssue(
              new SourceLocation(where.file(), line, offset - lineStart + 1),
              "not valid UTF-8 at byte offset " + in.position(),
              "save the file as UTF-8"));
      return null;
    }
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }
}
