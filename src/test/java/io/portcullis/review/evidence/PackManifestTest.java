package io.portcullis.review.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PackManifestTest {

  static PackManifest sample() {
    return new PackManifest(
        PackManifest.FORMAT,
        "portcullis 0.1.0",
        "2027-04-21T10:00:00Z",
        new PackManifest.Campaign(
            "c-1",
            "prod-quarterly",
            "Q1 production access review",
            "CLOSED",
            List.of("prod-db", "prod-ssh"),
            null,
            "2027-01-01T00:00:00Z",
            "2027-04-01T00:00:00Z",
            "2027-04-01T00:00:00Z",
            "2027-04-15T00:00:00Z",
            "2027-04-14T16:00:00Z",
            "idp|dana",
            "2027-04-14T17:00:00Z",
            "a".repeat(64),
            1200,
            "b".repeat(64)),
        List.of(
            new PackManifest.Query(
                "activity.csv",
                Map.of("fromSeq", 1, "toSeq", 1200, "periodStart", "2027-01-01T00:00:00Z"))),
        List.of(new PackManifest.FileEntry("activity.csv", "c".repeat(64), 5120, 42L)),
        new PackManifest.Ledger(1, 1400, "d".repeat(64), 1400, "d".repeat(64), "0123456789abcdef"),
        "0123456789abcdef");
  }

  @Test
  void aManifestIsCanonicalJsonThatReadsBackEqual() {
    PackManifest m = sample();
    String text = new String(m.bytes(), StandardCharsets.UTF_8);
    assertThat(text).startsWith("{\"campaign\":{").doesNotContain(" \"").doesNotContain("\n");
    assertThat(PackManifest.parse(m.bytes())).isEqualTo(m);
    assertThat(m.file("activity.csv"))
        .get()
        .extracting(PackManifest.FileEntry::rows)
        .isEqualTo(42L);
    assertThat(m.file("missing.csv")).isEmpty();
  }

  @Test
  void anEditedOrReformattedOrForeignManifestIsRefusedWithTheReason() {
    String text = new String(sample().bytes(), StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                PackManifest.parse(
                    text.replace("{\"campaign\"", "{ \"campaign\"")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not in canonical form");
    assertThatThrownBy(
            () ->
                PackManifest.parse(
                    text.replace("\"format\":1", "\"format\":2").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("format 2");
    assertThatThrownBy(
            () ->
                PackManifest.parse(
                    text.replace("{\"campaign\"", "{\"extra\":1,\"campaign\"")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a manifest");
    assertThatThrownBy(() -> PackManifest.parse("nope".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a manifest");
  }
}
