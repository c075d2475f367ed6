package io.portcullis.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.audit.AuditCheckpoint;
import io.portcullis.audit.AuditContext;
import io.portcullis.audit.AuditHashing;
import io.portcullis.audit.AuditJson;
import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.Ed25519Keys;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline verifier against every kind of tampering: each is detected and the first bad seq
 * named.
 */
class ExportVerifierTest {

  static final KeyPair KEY = Ed25519Keys.generate();
  static final String KEY_ID = Ed25519Keys.keyId(KEY.getPublic());
  static final Map<String, PublicKey> KEYS = Map.of(KEY_ID, KEY.getPublic());
  static final Instant T0 = Instant.parse("2026-11-26T08:00:00.123456Z");

  /** An export of events 1..n with a checkpoint every {@code every} events. */
  static List<String> export(int n, int every) {
    return export(1, n, every, KEY);
  }

  static List<String> export(long from, long to, int every, KeyPair key) {
    List<String> lines = new ArrayList<>();
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("kind", "export");
    header.put("version", 1);
    header.put("fromSeq", from);
    header.put("toSeq", to);
    String prev = AuditHashing.GENESIS;
    for (long s = 1; s < from; s++) {
      prev = record(s, prev).hash();
    }
    header.put("prevHash", prev);
    header.put("headSeq", to);
    header.put("generatedAt", "2026-11-26T09:00:00.000000Z");
    lines.add(toJson(header));
    String sig = "";
    String id = Ed25519Keys.keyId(key.getPublic());
    for (long s = from; s <= to; s++) {
      AuditRecord r = record(s, prev);
      lines.add(AuditJson.line(r));
      prev = r.hash();
      if (s % every == 0) {
        AuditCheckpoint cp =
            AuditCheckpoint.sign(s, r.hash(), T0.plusSeconds(s), sig, key.getPrivate(), id);
        sig = cp.signature();
        lines.add(cp.line());
      }
    }
    return lines;
  }

  static String toJson(Map<String, Object> m) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static AuditRecord record(long seq, String prevHash) {
    return withHash(
        new AuditRecord(
            seq,
            T0.plusMillis(seq),
            seq % 2 == 0 ? "request.submitted" : "request.review_recorded",
            "oidc:user-" + (seq % 7),
            Map.of("request", "r-" + seq),
            Map.of("duration", "PT1H", "n", seq),
            prevHash,
            "",
            new AuditContext(
                "User " + (seq % 7),
                Map.of("method", "oidc"),
                "policy-v1",
                "req-" + seq,
                Map.of("userAgent", "curl/8"))));
  }

  static AuditRecord withHash(AuditRecord r) {
    return new AuditRecord(
        r.seq(),
        r.occurredAt(),
        r.type(),
        r.actorSubject(),
        r.targets(),
        r.details(),
        r.prevHash(),
        AuditHashing.expectedHash(r),
        r.context());
  }

  static ExportVerifier.Report verify(List<String> lines) throws Exception {
    return verify(lines, KEYS);
  }

  static ExportVerifier.Report verify(List<String> lines, Map<String, PublicKey> keys)
      throws Exception {
    return ExportVerifier.verify(
        new BufferedReader(new StringReader(String.join("\n", lines) + "\n")), keys);
  }

  /** Index of the line holding event {@code seq}. */
  static int lineOf(List<String> lines, long seq) {
    for (int i = 1; i < lines.size(); i++) {
      Map<String, Object> m = AuditJson.parse(lines.get(i));
      if ("event".equals(m.get("kind")) && ((Number) m.get("seq")).longValue() == seq) {
        return i;
      }
    }
    throw new IllegalArgumentException("no event " + seq);
  }

  static int checkpointLine(List<String> lines, long seq) {
    return lineOf(lines, seq) + 1;
  }

  /** Replaces the checkpoint at {@code seq} with {@code change} of it. */
  static void replaceCheckpoint(
      List<String> lines, long seq, java.util.function.UnaryOperator<AuditCheckpoint> change) {
    int i = checkpointLine(lines, seq);
    lines.set(i, change.apply(AuditCheckpoint.fromMap(AuditJson.parse(lines.get(i)))).line());
  }

  /** {@code cp} signed again, naming {@code hash}, by {@code key} under {@code keyId}. */
  static AuditCheckpoint resign(
      AuditCheckpoint cp, String hash, java.security.PrivateKey key, String keyId) {
    return AuditCheckpoint.sign(cp.seq(), hash, cp.time(), cp.prevSignature(), key, keyId);
  }

  @Test
  void anUntouchedExportIsIntact() throws Exception {
    ExportVerifier.Report r = verify(export(50, 10));
    assertThat(r.intact()).as(r.summary()).isTrue();
    assertThat(r.events()).isEqualTo(50);
    assertThat(r.checkpoints()).isEqualTo(5);
    assertThat(r.lastCheckpointSeq()).isEqualTo(50);
    assertThat(r.unsignedTail()).isZero();
    assertThat(r.summary())
        .isEqualTo(
            "intact: 50 events (seq 1..50), 5 checkpoints, last signed checkpoint at seq 50");
  }

  @Test
  void aRangeThatStartsLaterVerifiesFromTheHeadersPrevHash() throws Exception {
    ExportVerifier.Report r = verify(export(21, 45, 10, KEY));
    assertThat(r.intact()).as(r.summary()).isTrue();
    assertThat(r.events()).isEqualTo(25);
    assertThat(r.checkpoints()).isEqualTo(2);
    assertThat(r.unsignedTail()).isEqualTo(5);
    assertThat(r.intactAndSigned()).isFalse();
    assertThat(r.exitCode(false)).isEqualTo(ExportVerifier.UNSIGNED);
    assertThat(r.exitCode(true)).isEqualTo(ExportVerifier.INTACT);
    assertThat(r.summary())
        .startsWith("unsigned: 25 events (seq 21..45), 2 checkpoints")
        .contains("last signed checkpoint at seq 40")
        .contains("5 events after seq 40 are covered by no signed checkpoint")
        .contains("--allow-unsigned-tail");
  }

  @Test
  void modifyingAnEventsContentIsDetectedAtThatSeq() throws Exception {
    List<String> lines = export(50, 10);
    int i = lineOf(lines, 23);
    lines.set(i, lines.get(i).replace("\"PT1H\"", "\"PT8H\""));
    ExportVerifier.Report r = verify(lines);
    assertThat(r.intact()).isFalse();
    assertThat(r.firstBadSeq()).isEqualTo(23);
    assertThat(r.problem()).contains("altered");
  }

  @Test
  void modifyingAnEventAndRecomputingItsHashBreaksTheNextLink() throws Exception {
    List<String> lines = export(50, 10);
    int i = lineOf(lines, 23);
    AuditRecord original = AuditJson.fromMap(AuditJson.parse(lines.get(i)));
    AuditRecord forged =
        withHash(
            new AuditRecord(
                23,
                original.occurredAt(),
                original.type(),
                "oidc:mallory",
                original.targets(),
                original.details(),
                original.prevHash(),
                "",
                original.context()));
    lines.set(i, AuditJson.line(forged));
    ExportVerifier.Report r = verify(lines);
    assertThat(r.firstBadSeq()).isEqualTo(24);
    assertThat(r.problem()).contains("prev_hash");
  }

  @Test
  void rewritingTheWholeTailIsCaughtByTheNextCheckpoint() throws Exception {
    // The forger recomputes every hash from seq 23 on: the chain is consistent again, but the
    // signed checkpoint at 30 names the old hash.
    List<String> lines = export(50, 10);
    String prev = AuditJson.fromMap(AuditJson.parse(lines.get(lineOf(lines, 22)))).hash();
    for (long s = 23; s <= 50; s++) {
      int i = lineOf(lines, s);
      AuditRecord o = AuditJson.fromMap(AuditJson.parse(lines.get(i)));
      AuditRecord f =
          withHash(
              new AuditRecord(
                  s,
                  o.occurredAt(),
                  o.type(),
                  s == 23 ? "oidc:mallory" : o.actorSubject(),
                  o.targets(),
                  o.details(),
                  prev,
                  "",
                  o.context()));
      lines.set(i, AuditJson.line(f));
      prev = f.hash();
    }
    ExportVerifier.Report r = verify(lines);
    assertThat(r.intact()).isFalse();
    assertThat(r.firstBadSeq()).isEqualTo(30);
    assertThat(r.problem()).contains("checkpoint at seq 30 signed hash");
  }

  @Test
  void deletingAnEventIsDetected() throws Exception {
    List<String> lines = export(50, 10);
    lines.remove(lineOf(lines, 17));
    ExportVerifier.Report r = verify(lines);
    assertThat(r.firstBadSeq()).isEqualTo(17);
    assertThat(r.problem()).contains("missing event: expected seq 17 but found 18");
  }

  @Test
  void insertingAForgedEventWithACorrectHashIsDetected() throws Exception {
    List<String> lines = export(50, 10);
    AuditRecord before = AuditJson.fromMap(AuditJson.parse(lines.get(lineOf(lines, 16))));
    AuditRecord forged = record(17, before.hash()); // a well-formed, correctly hashed seq 17
    forged =
        withHash(
            new AuditRecord(
                17,
                forged.occurredAt(),
                "grant.activated",
                "oidc:mallory",
                Map.of("grant", "g-1"),
                Map.of(),
                before.hash(),
                "",
                forged.context()));
    lines.add(lineOf(lines, 17), AuditJson.line(forged));
    ExportVerifier.Report r = verify(lines);
    assertThat(r.intact()).isFalse();
    // the original 17 now follows the forged 17
    assertThat(r.firstBadSeq()).isEqualTo(17);
    assertThat(r.problem()).contains("out of order or duplicate");
  }

  @Test
  void reorderingTwoEventsIsDetected() throws Exception {
    List<String> lines = export(50, 10);
    int a = lineOf(lines, 33);
    int b = lineOf(lines, 34);
    String x = lines.get(a);
    lines.set(a, lines.get(b));
    lines.set(b, x);
    ExportVerifier.Report r = verify(lines);
    assertThat(r.firstBadSeq()).isEqualTo(33);
    assertThat(r.problem()).contains("missing event: expected seq 33 but found 34");
  }

  @Test
  void aCheckpointWithABadSignatureIsDetected() throws Exception {
    List<String> lines = export(50, 10);
    replaceCheckpoint(
        lines,
        20,
        cp -> {
          byte[] sig = java.util.Base64.getDecoder().decode(cp.signature());
          sig[5] ^= 1;
          return new AuditCheckpoint(
              cp.seq(),
              cp.hash(),
              cp.time(),
              cp.prevSignature(),
              cp.keyId(),
              java.util.Base64.getEncoder().encodeToString(sig));
        });
    ExportVerifier.Report r = verify(lines);
    assertThat(r.firstBadSeq()).isEqualTo(20);
    assertThat(r.problem()).contains("invalid signature");
  }

  @Test
  void aCheckpointWithAlteredTimeIsDetected() throws Exception {
    List<String> lines = export(50, 10);
    replaceCheckpoint(
        lines,
        20,
        cp ->
            new AuditCheckpoint(
                cp.seq(),
                cp.hash(),
                cp.time().minusSeconds(3600),
                cp.prevSignature(),
                cp.keyId(),
                cp.signature()));
    assertThat(verify(lines).problem()).contains("invalid signature");
  }

  @Test
  void aCheckpointSignedByAnUnknownKeyIsDetected() throws Exception {
    KeyPair mallory = Ed25519Keys.generate();
    List<String> lines = export(50, 10);
    replaceCheckpoint(
        lines,
        30,
        cp -> resign(cp, cp.hash(), mallory.getPrivate(), Ed25519Keys.keyId(mallory.getPublic())));
    ExportVerifier.Report r = verify(lines);
    assertThat(r.firstBadSeq()).isEqualTo(30);
    assertThat(r.problem())
        .contains("signed by key " + Ed25519Keys.keyId(mallory.getPublic()))
        .contains("not among the given public keys");
  }

  @Test
  void aForgedCheckpointThatClaimsTheRealKeyIdIsDetected() throws Exception {
    KeyPair mallory = Ed25519Keys.generate();
    List<String> lines = export(50, 10);
    replaceCheckpoint(lines, 30, cp -> resign(cp, cp.hash(), mallory.getPrivate(), KEY_ID));
    assertThat(verify(lines).problem()).contains("invalid signature");
  }

  @Test
  void aCheckpointNamingAnotherHashIsDetected() throws Exception {
    List<String> lines = export(50, 10);
    String other = "ab".repeat(32);
    replaceCheckpoint(lines, 40, cp -> resign(cp, other, KEY.getPrivate(), KEY_ID));
    ExportVerifier.Report r = verify(lines);
    assertThat(r.firstBadSeq()).isEqualTo(40);
    assertThat(r.problem()).contains("signed hash " + other);
  }

  @Test
  void removingACheckpointBreaksTheSignatureChain() throws Exception {
    List<String> lines = export(50, 10);
    lines.remove(checkpointLine(lines, 20));
    ExportVerifier.Report r = verify(lines);
    assertThat(r.firstBadSeq()).isEqualTo(30);
    assertThat(r.problem()).contains("does not carry the signature of the checkpoint at seq 10");
  }

  @Test
  void removingTheFirstCheckpointIsDetected() throws Exception {
    List<String> lines = export(50, 10);
    lines.remove(checkpointLine(lines, 10));
    ExportVerifier.Report r = verify(lines);
    assertThat(r.firstBadSeq()).isEqualTo(20);
    assertThat(r.problem()).contains("none comes before it");
  }

  @Test
  void aCheckpointMovedAwayFromItsEventIsDetected() throws Exception {
    List<String> lines = export(50, 10);
    String cp = lines.remove(checkpointLine(lines, 20));
    lines.add(lineOf(lines, 22) + 1, cp);
    ExportVerifier.Report r = verify(lines);
    assertThat(r.firstBadSeq()).isEqualTo(20);
    assertThat(r.problem()).contains("checkpoint at seq 20 stands after seq 22");
  }

  @Test
  void truncatingTheTailIsReportedNotHidden() throws Exception {
    List<String> lines = export(50, 10);
    // cut after the checkpoint at 40: every remaining event is signed, but the header
    // announced 50
    List<String> cut = new ArrayList<>(lines.subList(0, checkpointLine(lines, 40) + 1));
    ExportVerifier.Report r = verify(cut);
    assertThat(r.intact()).isFalse();
    assertThat(r.firstBadSeq()).isEqualTo(41);
    assertThat(r.problem()).contains("announces events up to seq 50 but ends after seq 40");

    // an export whose tail is not signed yet says so even when intact
    List<String> unsigned = export(45, 10);
    ExportVerifier.Report u = verify(unsigned);
    assertThat(u.intact()).isTrue();
    assertThat(u.unsignedTail()).isEqualTo(5);
    assertThat(u.summary()).contains("5 events after seq 40 are covered by no signed checkpoint");
  }

  @Test
  void rotatedKeysVerifyWithBothPublicKeys() throws Exception {
    KeyPair next = Ed25519Keys.generate();
    List<String> lines = export(20, 10);
    // the checkpoint at 20 is re-signed by the new key, chained to the old key's signature
    replaceCheckpoint(
        lines,
        20,
        cp -> resign(cp, cp.hash(), next.getPrivate(), Ed25519Keys.keyId(next.getPublic())));
    assertThat(verify(lines).problem()).contains("not among the given public keys");
    Map<String, PublicKey> both =
        Map.of(KEY_ID, KEY.getPublic(), Ed25519Keys.keyId(next.getPublic()), next.getPublic());
    assertThat(verify(lines, both).intact()).isTrue();
  }

  @Test
  void aFileThatIsNoExportIsRefused() {
    assertThatThrownBy(() -> verify(List.of("{\"kind\":\"event\"}")))
        .isInstanceOf(ExportVerifier.MalformedExport.class)
        .hasMessageContaining("export header");
    assertThatThrownBy(() -> verify(List.of("hello")))
        .isInstanceOf(ExportVerifier.MalformedExport.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void anExportOfManyBatchesIsCheckedInFileOrderWhereverTheFaultLies() throws Exception {
    // lines are parsed and hashed by workers, a chunk of bytes at a time: faults in a late chunk,
    // on a chunk's edge and on the last line are still found at their seq and named by their line
    List<String> intact = export(1, 100);
    int lineBytes = intact.get(1).length() + 1;
    int n = (ParsedLines.IN_FLIGHT + 3) * ExportChunks.CHUNK / lineBytes + 17;
    intact = export(n, 100);
    ExportVerifier.Report ok = verify(intact);
    assertThat(ok.intact()).as(ok.summary()).isTrue();
    assertThat(ok.events()).isEqualTo(n);
    long onEdge = 2L * ExportChunks.CHUNK / lineBytes;
    for (long seq : List.of(onEdge - 1, onEdge, onEdge + 1, (long) n - 300, (long) n)) {
      List<String> lines = new ArrayList<>(intact);
      int i = lineOf(lines, seq);
      lines.set(i, lines.get(i).replace("\"PT1H\"", "\"PT8H\""));
      ExportVerifier.Report r = verify(lines);
      assertThat(r.firstBadSeq()).as("altered at seq " + seq).isEqualTo(seq);
      assertThat(r.problem()).contains("altered");
      assertThat(r.events()).isEqualTo(seq);
    }
    List<String> garbage = new ArrayList<>(intact);
    int at = lineOf(garbage, 3L * ExportChunks.CHUNK / lineBytes);
    garbage.set(at, "{\"kind\":\"event\",");
    ExportVerifier.Report r = verify(garbage);
    assertThat(r.firstBadSeq()).isEqualTo(3L * ExportChunks.CHUNK / lineBytes);
    assertThat(r.problem()).startsWith("line " + (at + 1) + " is not JSON");
  }

  @Test
  void garbageLinesAreNamed() throws Exception {
    List<String> lines = export(20, 10);
    lines.add(lineOf(lines, 5), "{\"kind\":\"gossip\"}");
    ExportVerifier.Report r = verify(lines);
    assertThat(r.firstBadSeq()).isEqualTo(5);
    assertThat(r.problem()).contains("unknown kind gossip");
  }

  @Test
  void theCommandLineExitsZeroOneTwoOrThree(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("key.pub");
    Files.writeString(key, Ed25519Keys.pem(KEY.getPublic()));
    Path good = dir.resolve("good.jsonl");
    Files.write(good, export(30, 10), StandardCharsets.UTF_8);
    List<String> tampered = export(30, 10);
    tampered.remove(lineOf(tampered, 12));
    Path bad = dir.resolve("bad.jsonl");
    Files.write(bad, tampered, StandardCharsets.UTF_8);

    Run ok = run("verify", good.toString(), "--public-key", key.toString());
    assertThat(ok.code).isZero();
    assertThat(ok.out)
        .isEqualTo(
            "intact: 30 events (seq 1..30), 3 checkpoints, last signed checkpoint at seq 30\n");

    Run no = run("verify", bad.toString(), "--public-key", key.toString());
    assertThat(no.code).isEqualTo(1);
    assertThat(no.out).startsWith("first bad seq: 12: missing event");

    assertThat(run("verify", good.toString()).err).contains("no --public-key given");
    assertThat(run("verify", good.toString()).code).isEqualTo(2);
    assertThat(run("verify", dir.resolve("nope").toString(), "-k", key.toString()).err)
        .contains("does not exist");
    assertThat(run("check", good.toString()).code).isEqualTo(2);
    Path notKey = dir.resolve("not.pub");
    Files.writeString(notKey, "hello");
    Run nk = run("verify", good.toString(), "--public-key", notKey.toString());
    assertThat(nk.code).isEqualTo(2);
    assertThat(nk.err).contains("not an Ed25519 public key");

    Path tail = dir.resolve("tail.jsonl");
    Files.write(tail, export(35, 10), StandardCharsets.UTF_8);
    Run strict = run("verify", tail.toString(), "--public-key", key.toString());
    assertThat(strict.code).isEqualTo(3);
    assertThat(strict.out)
        .startsWith("unsigned: 35 events (seq 1..35), 3 checkpoints, last signed checkpoint at")
        .contains("5 events after seq 30 are covered by no signed checkpoint");
    Run allowed =
        run("verify", tail.toString(), "--public-key", key.toString(), "--allow-unsigned-tail");
    assertThat(allowed.code).isZero();
    assertThat(allowed.out)
        .startsWith("intact: 35 events (seq 1..35)")
        .contains("unsigned (allowed by --allow-unsigned-tail): 5 events after seq 30");
    // --allow-unsigned-tail never hides tampering
    Run stillBad =
        run("verify", bad.toString(), "--public-key", key.toString(), "--allow-unsigned-tail");
    assertThat(stillBad.code).isEqualTo(1);
  }

  /**
   * Anyone can re-hash a forged chain, since the chain has no key: an export without any checkpoint
   * is never "intact" by default, however consistent its hashes are.
   */
  @Test
  void aForgedExportWithoutCheckpointsIsNotAcceptedByDefault(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("key.pub");
    Files.writeString(key, Ed25519Keys.pem(KEY.getPublic()));
    List<String> unsigned = new ArrayList<>();
    for (String line : export(20, 10)) {
      if (!line.startsWith("{\"kind\":\"checkpoint\"")) {
        unsigned.add(line);
      }
    }
    Path file = dir.resolve("no-checkpoints.jsonl");
    Files.write(file, unsigned, StandardCharsets.UTF_8);
    Run r = run("verify", file.toString(), "--public-key", key.toString());
    assertThat(r.code).as(r.out).isEqualTo(3);
    assertThat(r.out)
        .startsWith("unsigned: 20 events (seq 1..20), 0 checkpoints, no signed checkpoint")
        .contains("20 events after the start are covered by no signed checkpoint");
    Run allowed = run("verify", file.toString(), "-k", key.toString(), "--allow-unsigned-tail");
    assertThat(allowed.code).isZero();
    assertThat(allowed.out).contains("unsigned (allowed by --allow-unsigned-tail): 20 events");
  }

  /** Cuts a full export into spans ending at the given seqs, each with its own header. */
  static List<List<String>> spans(List<String> full, long... ends) {
    List<List<String>> out = new ArrayList<>();
    long from = 1;
    String prev = AuditHashing.GENESIS;
    for (long end : ends) {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("kind", "export");
      header.put("version", 1);
      header.put("fromSeq", from);
      header.put("toSeq", end);
      header.put("prevHash", prev);
      List<String> span = new ArrayList<>();
      span.add(toJson(header));
      for (long s = from; s <= end; s++) {
        int i = lineOf(full, s);
        span.add(full.get(i));
        if (i + 1 < full.size() && full.get(i + 1).startsWith("{\"kind\":\"checkpoint\"")) {
          span.add(full.get(i + 1));
        }
      }
      prev = AuditJson.fromMap(AuditJson.parse(full.get(lineOf(full, end)))).hash();
      from = end + 1;
      out.add(span);
    }
    return out;
  }

  @Test
  void consecutiveSpansVerifyAsOneLedgerAndAGapIsNamed(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("key.pub");
    Files.writeString(key, Ed25519Keys.pem(KEY.getPublic()));
    List<List<String>> spans = spans(export(60, 10), 20, 40, 60);
    List<String> files = new ArrayList<>();
    for (int i = 0; i < spans.size(); i++) {
      Path f = dir.resolve("span-" + i + ".jsonl");
      Files.write(f, spans.get(i), StandardCharsets.UTF_8);
      files.add(f.toString());
    }
    Run all = run("verify", files.get(0), files.get(1), files.get(2), "-k", key.toString());
    assertThat(all.code).as(all.out).isZero();
    assertThat(all.out)
        .startsWith(
            "intact: 60 events (seq 1..60), 6 checkpoints, last signed checkpoint at seq 60")
        .contains("3 files, each continuing the one before");

    Run gap = run("verify", files.get(0), files.get(2), "-k", key.toString());
    assertThat(gap.code).isEqualTo(1);
    assertThat(gap.out)
        .startsWith("first bad seq: 21: " + files.get(2) + " starts at seq 41 but the file before")
        .contains("events are missing between them");

    Run overlap = run("verify", files.get(1), files.get(1), "-k", key.toString());
    assertThat(overlap.out).contains("(they overlap)");

    // a span whose prevHash was changed to fit after a forged predecessor
    List<String> forged = new ArrayList<>(spans.get(1));
    forged.set(
        0,
        forged
            .get(0)
            .replaceAll(
                "\"prevHash\":\"[0-9a-f]{64}\"", "\"prevHash\":\"" + "cd".repeat(32) + "\""));
    Path f = dir.resolve("forged.jsonl");
    Files.write(f, forged, StandardCharsets.UTF_8);
    Run bad = run("verify", files.get(0), f.toString(), "-k", key.toString());
    assertThat(bad.out).startsWith("first bad seq: 21: ").contains("prevHash is not the hash");
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        VerifyMain.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
