package io.portcullis.review.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.model.PolicySet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The snapshot document: what it holds, that it is stable, and that its hash is of its bytes. */
class SnapshotBuilderTest {

  static final PolicySet POLICY = EligibilityPopulationTest.policy();

  static LedgerFoldTest.Ledger ledger() {
    LedgerFoldTest.Ledger l = new LedgerFoldTest.Ledger();
    l.via = "group:eng";
    l.grant(
        "dave",
        "prod-db",
        LedgerFoldTest.day(1),
        LedgerFoldTest.day(1).plusSeconds(3600),
        "human",
        "bob");
    l.grant(
        "erin",
        "prod-db",
        LedgerFoldTest.day(2),
        LedgerFoldTest.day(2).plusSeconds(3600),
        "human",
        "carol");
    l.via = "set:contractors/set:vendor/user:vera";
    l.grant(
        "vera",
        "prod-db",
        LedgerFoldTest.day(3),
        LedgerFoldTest.day(3).plusSeconds(3600),
        "human",
        "bob");
    l.via = "group:eng";
    l.grant(
        "dave",
        "staging-db",
        LedgerFoldTest.day(4),
        LedgerFoldTest.day(4).plusSeconds(600),
        "human",
        "carol");
    return l;
  }

  record Run(SnapshotBuilder.Built built, byte[] gzip) {
    String document() throws IOException {
      try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  static Run run(LedgerFoldTest.Ledger l, String definition, String principalSet) {
    ByteArrayOutputStream chunks = new ByteArrayOutputStream();
    List<Integer> order = new ArrayList<>();
    SnapshotWriter w =
        new SnapshotWriter(
            (i, b) -> {
              order.add(i);
              chunks.writeBytes(b);
            },
            1024);
    SnapshotBuilder.Built b =
        SnapshotBuilder.build(
            new SnapshotBuilder.Spec(
                "c-1",
                POLICY,
                POLICY.accessReview(definition).orElseThrow(),
                principalSet,
                LedgerFoldTest.START,
                LedgerFoldTest.END,
                l.events.size()),
            sink -> l.events.forEach(sink),
            w);
    assertThat(order).isSorted().doesNotHaveDuplicates();
    return new Run(b, chunks.toByteArray());
  }

  @Test
  void theDocumentHoldsBothPopulationsForTheScopeAndItsHashIsOfItsBytes() throws Exception {
    Run r = run(ledger(), "prod-q", null);
    String doc = r.document();
    String[] lines = doc.split("\n");
    assertThat(lines[0])
        .startsWith(
            "{\"at\":\"2027-04-01T00:00:00Z\",\"campaign\":\"c-1\",\"definition\":\"prod-q\"")
        .contains("\"toSeq\":" + ledger().events.size());
    assertThat(doc).contains("\"kind\":\"eligibility\"").contains("\"entry\":\"user:vera\"");
    // staging is out of the prod review's scope: its grant is folded but not written
    assertThat(lines).filteredOn(s -> s.contains("\"kind\":\"grant\"")).hasSize(3);
    assertThat(doc).doesNotContain("staging-db");
    assertThat(lines[lines.length - 1]).startsWith("{\"eligibility\":8,\"events\":");
    assertThat(r.built().written().lines()).isEqualTo(lines.length);
    assertThat(r.built().written().sha256())
        .isEqualTo(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(doc.getBytes(StandardCharsets.UTF_8))));
    assertThat(r.built().written().chunks()).isEqualTo(1);
  }

  @Test
  void aLargeDocumentIsHandedOnInChunksThatMakeOneGzipStream() throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<Integer> sizes = new ArrayList<>();
    SnapshotWriter w =
        new SnapshotWriter(
            (i, b) -> {
              sizes.add(b.length);
              all.writeBytes(b);
            },
            4096);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      w.line(
          java.util.Map.of(
              "n",
              i,
              "id",
              java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}).toString()));
      expected
          .append("{\"id\":\"")
          .append(java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}))
          .append("\",\"n\":")
          .append(i)
          .append("}\n");
    }
    SnapshotWriter.Written written = w.finish();
    assertThat(written.chunks()).isGreaterThan(10).isEqualTo(sizes.size());
    assertThat(sizes.subList(0, sizes.size() - 1))
        .allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(4096));
    try (var in = new GZIPInputStream(new ByteArrayInputStream(all.toByteArray()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(expected.toString());
    }
    assertThat(written.lines()).isEqualTo(20_000);
    assertThat(written.sha256())
        .isEqualTo(io.portcullis.platform.json.Sha256.hex(expected.toString()));
  }

  @Test
  void theSameEventsGiveTheSameHashAndAChangedEventAnother() {
    LedgerFoldTest.Ledger l = ledger();
    String first = run(l, "prod-q", null).built().written().sha256();
    assertThat(run(l, "prod-q", null).built().written().sha256()).isEqualTo(first);

    LedgerFoldTest.Ledger other = ledger(); // same shape, other ids
    assertThat(run(other, "prod-q", null).built().written().sha256()).isNotEqualTo(first);

    // a snapshot up to an earlier seq leaves later events out
    var spec = POLICY.accessReview("prod-q").orElseThrow();
    SnapshotBuilder.Built upTo =
        SnapshotBuilder.build(
            new SnapshotBuilder.Spec(
                "c-1", POLICY, spec, null, LedgerFoldTest.START, LedgerFoldTest.END, 5),
            sink -> l.events.forEach(sink),
            SnapshotWriter.hashOnly());
    assertThat(upTo.events()).isEqualTo(5);
    assertThat(upTo.written().sha256()).isNotEqualTo(first);
  }

  @Test
  void theListenersSeeExactlyTheGrantLinesWrittenAndEveryEventRead() {
    LedgerFoldTest.Ledger l = ledger();
    SnapshotBuilder.Spec spec =
        new SnapshotBuilder.Spec(
            "c-1",
            POLICY,
            POLICY.accessReview("prod-q").orElseThrow(),
            null,
            LedgerFoldTest.START,
            LedgerFoldTest.END,
            l.events.size());
    List<GrantActivity> seen = new ArrayList<>();
    List<Long> read = new ArrayList<>();
    SnapshotBuilder.Built b =
        SnapshotBuilder.build(
            spec,
            sink -> l.events.forEach(sink),
            SnapshotWriter.hashOnly(),
            seen::add,
            e -> read.add(e.seq()));
    assertThat(seen).hasSize((int) b.grantLines());
    assertThat(seen).allMatch(g -> !g.entitlement().equals("staging-db"));
    assertThat(read).hasSize(l.events.size()).isSorted();
    // listening changes nothing in what is written
    SnapshotBuilder.Built unheard =
        SnapshotBuilder.build(spec, sink -> l.events.forEach(sink), SnapshotWriter.hashOnly());
    assertThat(b.written().sha256()).isEqualTo(unheard.written().sha256());
    assertThat(b.written().lines()).isEqualTo(unheard.written().lines());
  }

  @Test
  void eachPersonOrGroupEntryGetsItsUsesAndApprovers() {
    SnapshotBuilder.Built b = run(ledger(), "prod-q", null).built();
    EntryFacts eng =
        b.entries().stream().filter(f -> f.path().equals("group:eng")).findFirst().orElseThrow();
    assertThat(eng.uses()).extracting(Usage::subject).containsExactly("dave", "erin");
    assertThat(eng.approvers()).containsEntry("bob", 1).containsEntry("carol", 1);
    EntryFacts alice =
        b.entries().stream().filter(f -> f.path().equals("user:alice")).findFirst().orElseThrow();
    assertThat(alice.uses()).isEmpty();
    // sets themselves are not items; the people and groups in them are
    assertThat(b.entries()).noneMatch(f -> f.entry().kind().equals("set"));
    assertThat(b.humanApproved()).containsEntry("prod-db", 3).doesNotContainKey("staging-db");
  }

  @Test
  void aPrincipalSetCampaignSeesOnlyWhatWentThroughThatSet() throws Exception {
    Run r = run(ledger(), "prod-q", "vendor");
    assertThat(r.built().grantLines()).isEqualTo(1);
    assertThat(r.built().entries())
        .extracting(EntryFacts::path)
        .containsExactly(
            "set:contractors/set:vendor/group:vendor-x", "set:contractors/set:vendor/user:vera");
    assertThat(r.document()).doesNotContain("\"requester\":\"dave\"");
  }

  @Test
  void theChainGapComesFromTheDefinition() {
    assertThat(POLICY.accessReview("prod-q").orElseThrow().thresholds().chainGap())
        .isEqualTo(Duration.ofHours(1));
  }
}
