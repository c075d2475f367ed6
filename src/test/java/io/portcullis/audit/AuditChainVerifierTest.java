package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditChainVerifierTest {

  private static List<AuditRecord> chain(int n) {
    List<AuditRecord> out = new ArrayList<>();
    String prev = AuditHashing.GENESIS;
    Instant t = Instant.parse("2026-11-24T10:00:00.000001Z");
    for (int i = 1; i <= n; i++) {
      Map<String, String> targets = Map.of("request", "r" + i);
      Map<String, Object> details = Map.of("n", i, "note", "é \"quoted\"\n");
      AuditRecord r =
          new AuditRecord(i, t, "test.event", "alice", targets, details, prev, null).hashed();
      out.add(r);
      prev = r.hash();
      t = t.plusMillis(1);
    }
    return out;
  }

  private static AuditChainVerifier.Result verify(List<AuditRecord> records) {
    AuditChainVerifier v = new AuditChainVerifier();
    records.forEach(v::accept);
    AuditRecord last = records.get(records.size() - 1);
    v.acceptHead(records.size(), last.hash());
    return v.result();
  }

  @Test
  void anIntactChainVerifies() {
    AuditChainVerifier.Result r = verify(chain(10));
    assertThat(r.intact()).isTrue();
    assertThat(r.checked()).isEqualTo(10);
    assertThat(r.firstBadSeq()).isNull();
  }

  @Test
  void alteredContentIsFound() {
    List<AuditRecord> c = chain(10);
    AuditRecord r = c.get(4);
    c.set(
        4,
        new AuditRecord(
            r.seq(),
            r.occurredAt(),
            r.type(),
            "mallory",
            r.targets(),
            r.details(),
            r.prevHash(),
            r.hash()));
    assertThat(verify(c).firstBadSeq()).isEqualTo(5L);
    assertThat(verify(c).problem()).contains("altered");
  }

  @Test
  void alteredTimeIsFound() {
    List<AuditRecord> c = chain(5);
    AuditRecord r = c.get(2);
    c.set(
        2,
        new AuditRecord(
            r.seq(),
            r.occurredAt().plusNanos(1000),
            r.type(),
            r.actorSubject(),
            r.targets(),
            r.details(),
            r.prevHash(),
            r.hash()));
    assertThat(verify(c).firstBadSeq()).isEqualTo(3L);
  }

  @Test
  void aDeletedEventIsFound() {
    List<AuditRecord> c = chain(10);
    c.remove(6);
    AuditChainVerifier.Result r = verify(c);
    assertThat(r.intact()).isFalse();
    assertThat(r.firstBadSeq()).isEqualTo(7L);
    assertThat(r.problem()).contains("missing");
  }

  @Test
  void reorderedEventsAreFound() {
    List<AuditRecord> c = chain(10);
    AuditRecord a = c.get(3);
    c.set(3, c.get(4));
    c.set(4, a);
    assertThat(verify(c).firstBadSeq()).isEqualTo(4L);
  }

  @Test
  void aRehashedButUnlinkedEventIsFound() {
    List<AuditRecord> c = chain(6);
    AuditRecord r = c.get(2);
    c.set(
        2,
        new AuditRecord(
                r.seq(),
                r.occurredAt(),
                r.type(),
                "mallory",
                r.targets(),
                r.details(),
                r.prevHash(),
                null)
            .hashed());
    assertThat(verify(c).firstBadSeq()).isEqualTo(4L);
    assertThat(verify(c).problem()).contains("prev_hash");
  }

  @Test
  void truncatedTailIsFoundAgainstTheHead() {
    List<AuditRecord> c = chain(6);
    AuditChainVerifier v = new AuditChainVerifier();
    c.subList(0, 4).forEach(v::accept);
    v.acceptHead(6, c.get(5).hash());
    assertThat(v.result().intact()).isFalse();
    assertThat(v.result().firstBadSeq()).isEqualTo(5L);
  }

  @Test
  void hashFormatIsStableAndDocumented() {
    Instant t = Instant.parse("2026-01-02T03:04:05.123456Z");
    AuditRecord r =
        new AuditRecord(
            7,
            t,
            "request.submitted",
            "demo:alice",
            Map.of("request", "r1"),
            Map.of("b", 1, "a", true),
            AuditHashing.GENESIS,
            null);
    String body = AuditHashing.canonicalBody(r);
    assertThat(body)
        .isEqualTo(
            "{\"actor\":\"demo:alice\",\"details\":{\"a\":true,\"b\":1},"
                + "\"occurredAt\":\"2026-01-02T03:04:05.123456Z\",\"prevHash\":\""
                + AuditHashing.GENESIS
                + "\",\"seq\":7,\"targets\":{\"request\":\"r1\"},\"type\":\"request.submitted\","
                + "\"v\":1}");
    assertThat(AuditHashing.expectedHash(r))
        .isEqualTo(AuditHashing.sha256Hex(AuditHashing.GENESIS + body))
        .hasSize(64);
  }
}
