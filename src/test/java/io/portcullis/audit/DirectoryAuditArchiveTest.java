package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryAuditArchiveTest {

  @TempDir Path dir;

  Path file(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  static String sha(Path p) throws Exception {
    return Base64.getEncoder().encodeToString(DirectoryAuditArchive.digest(p));
  }

  @Test
  void aSpanIsWrittenOnceReadOnlyAndReadsBack() throws Exception {
    DirectoryAuditArchive archive = new DirectoryAuditArchive(dir.resolve("archive"));
    Path span = file("span.jsonl", "{\"header\":1}\n");
    AuditArchive.Stored stored = archive.store(new AuditArchive.Span(1, 12), span, sha(span));
    Path written = dir.resolve("archive/audit-0000000000000000001-0000000000000000012.jsonl");
    assertThat(stored.location()).isEqualTo(written.toUri().toString());
    assertThat(stored.lockMode()).isNull();
    assertThat(stored.retainUntil()).isNull();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
        .isEqualTo("r--r--r--");
    try (InputStream in = archive.open(stored.location(), null)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("{\"header\":1}\n");
    }
    // the same span again (a lost bookkeeping write): the same bytes are accepted
    assertThat(archive.store(new AuditArchive.Span(1, 12), span, sha(span)).location())
        .isEqualTo(stored.location());
    try (var leftovers = Files.list(dir.resolve("archive"))) {
      assertThat(leftovers.map(p -> p.getFileName().toString()).toList())
          .as("no temporary file stays behind")
          .isEqualTo(List.of(written.getFileName().toString()));
    }
  }

  @Test
  void anArchivedSpanIsNeverReplaced() throws Exception {
    DirectoryAuditArchive archive = new DirectoryAuditArchive(dir.resolve("archive"));
    Path span = file("span.jsonl", "original\n");
    archive.store(new AuditArchive.Span(1, 2), span, sha(span));
    Path other = file("other.jsonl", "forged\n");
    assertThatThrownBy(() -> archive.store(new AuditArchive.Span(1, 2), other, sha(other)))
        .isInstanceOf(AuditArchive.ArchiveException.class)
        .hasMessageContaining("never replaced");
    assertThat(
            Files.readString(
                dir.resolve("archive/audit-0000000000000000001-0000000000000000002.jsonl")))
        .isEqualTo("original\n");
  }

  @Test
  void aFileThatDoesNotMatchItsDigestIsRefused() throws Exception {
    DirectoryAuditArchive archive = new DirectoryAuditArchive(dir.resolve("archive"));
    Path span = file("span.jsonl", "content\n");
    Path other = file("other.jsonl", "something else\n");
    assertThatThrownBy(() -> archive.store(new AuditArchive.Span(3, 4), span, sha(other)))
        .isInstanceOf(AuditArchive.ArchiveException.class)
        .hasMessageContaining("does not match its SHA-256");
    assertThat(dir.resolve("archive/audit-0000000000000000003-0000000000000000004.jsonl"))
        .doesNotExist();
  }

  @Test
  void onlyLocationsInsideTheDirectoryAreRead() throws Exception {
    DirectoryAuditArchive archive = new DirectoryAuditArchive(dir.resolve("archive"));
    Path outside = file("secret.txt", "not the archive's\n");
    assertThatThrownBy(() -> archive.open(outside.toUri().toString(), null))
        .isInstanceOf(AuditArchive.ArchiveException.class)
        .hasMessageContaining("is not in");
    assertThatThrownBy(() -> archive.open("s3://bucket/key", null))
        .isInstanceOf(AuditArchive.ArchiveException.class);
  }

  @Test
  void withoutADirectoryItIsNotConfigured() throws Exception {
    DirectoryAuditArchive none = new DirectoryAuditArchive((Path) null);
    assertThat(none.configured()).isFalse();
    Path span = file("span.jsonl", "x\n");
    assertThatThrownBy(() -> none.store(new AuditArchive.Span(1, 1), span, sha(span)))
        .isInstanceOf(AuditArchive.ArchiveException.class);
  }

  @Test
  void twoConfiguredArchivesAreRefused() {
    DirectoryAuditArchive a = new DirectoryAuditArchive(dir.resolve("a"));
    DirectoryAuditArchive b = new DirectoryAuditArchive(dir.resolve("b"));
    DirectoryAuditArchive off = new DirectoryAuditArchive((Path) null);
    assertThat(AuditArchive.configuredOne(List.of(off, a), null)).isSameAs(a);
    assertThat(AuditArchive.configuredOne(List.of(off), null)).isNull();
    assertThatThrownBy(() -> AuditArchive.configuredOne(List.of(a, b), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("either");
  }
}
