package io.portcullis.audit;

import java.util.Objects;

/**
 * Checks a sequence of records, fed in seq order, for gaps, broken links and altered content. Pure
 * and incremental: the database check and the offline verifier both feed it.
 */
public final class AuditChainVerifier {

  /**
   * Outcome of a verification.
   *
   * @param intact true when every record checked out
   * @param checked number of records examined
   * @param firstBadSeq the first seq that failed, or null
   * @param problem what was wrong with it, or null
   * @param lastHash hash of the last good record (genesis when none)
   */
  public record Result(
      boolean intact, long checked, Long firstBadSeq, String problem, String lastHash) {}

  private long expectedSeq;
  private String lastHash;
  private long checked;
  private Long firstBadSeq;
  private String problem;

  /** A verifier for a chain starting at seq 1. */
  public AuditChainVerifier() {
    this(1, AuditHashing.GENESIS);
  }

  /** A verifier for a chain segment starting at {@code firstSeq} after {@code prevHash}. */
  public AuditChainVerifier(long firstSeq, String prevHash) {
    this.expectedSeq = firstSeq;
    this.lastHash = Objects.requireNonNull(prevHash);
  }

  /**
   * Examines the next record.
   *
   * @return false once the chain is broken (later records are not examined)
   */
  public boolean accept(AuditRecord r) {
    return accept(r, null);
  }

  /**
   * Examines the next record as {@link #accept(AuditRecord)} does, with its expected hash ({@link
   * AuditHashing#expectedHash}) already computed, for callers that hash records in parallel and
   * check their links in order.
   *
   * @param expectedHash {@code AuditHashing.expectedHash(r)}, or null to compute it here
   * @return false once the chain is broken (later records are not examined)
   */
  public boolean accept(AuditRecord r, String expectedHash) {
    return accept(
        r.seq(),
        r.prevHash(),
        r.hash(),
        () -> expectedHash != null ? expectedHash : AuditHashing.expectedHash(r));
  }

  /**
   * Examines the next record as {@link #accept(AuditRecord)} does, given only what the links need:
   * its seq, prevHash, hash and the hash its content gives ({@link AuditHashing#expectedHash}), for
   * callers that hash records straight from their serialized form.
   *
   * @return false once the chain is broken (later records are not examined)
   */
  public boolean accept(long seq, String prevHash, String hash, String expectedHash) {
    java.util.Objects.requireNonNull(expectedHash);
    return accept(seq, prevHash, hash, () -> expectedHash);
  }

  private boolean accept(
      long seq, String prevHash, String hash, java.util.function.Supplier<String> expectedHash) {
    if (firstBadSeq != null) {
      return false;
    }
    checked++;
    if (seq != expectedSeq) {
      return fail(
          seq > expectedSeq ? expectedSeq : seq,
          seq > expectedSeq
              ? "missing event: expected seq " + expectedSeq + " but found " + seq
              : "out of order or duplicate: seq " + seq + " after " + (expectedSeq - 1));
    }
    if (!lastHash.equals(prevHash)) {
      return fail(seq, "prev_hash does not match the hash of the event before");
    }
    if (!expectedHash.get().equals(hash)) {
      return fail(seq, "content does not match its hash (the event was altered)");
    }
    lastHash = hash;
    expectedSeq++;
    return true;
  }

  /** Checks the recorded head (the ledger's last seq and hash) against what was examined. */
  public void acceptHead(long headSeq, String headHash) {
    if (firstBadSeq != null) {
      return;
    }
    if (headSeq != expectedSeq - 1) {
      fail(
          Math.min(headSeq, expectedSeq - 1) + 1,
          "the ledger head says " + headSeq + " events but " + (expectedSeq - 1) + " were found");
    } else if (!headHash.equals(lastHash)) {
      fail(headSeq, "the ledger head hash does not match the last event");
    }
  }

  public Result result() {
    return new Result(firstBadSeq == null, checked, firstBadSeq, problem, lastHash);
  }

  private boolean fail(long seq, String why) {
    firstBadSeq = seq;
    problem = why;
    return false;
  }
}
