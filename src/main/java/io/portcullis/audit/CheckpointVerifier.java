package io.portcullis.audit;

import java.security.PublicKey;
import java.util.Map;
import java.util.Objects;

/**
 * Checks signed checkpoints, fed in seq order: each is signed by a known key with a valid
 * signature, names the hash the event at its seq really has, and carries the signature of the
 * checkpoint before it. Pure and incremental: the live check and the offline verifier both feed it.
 */
public final class CheckpointVerifier {

  /**
   * Outcome.
   *
   * @param intact true when every checkpoint checked out
   * @param checked checkpoints examined
   * @param lastSeq the seq of the last good checkpoint, or 0 when none
   * @param firstBadSeq the seq of the first bad checkpoint, or null
   * @param problem what was wrong with it, or null
   */
  public record Result(
      boolean intact, long checked, long lastSeq, Long firstBadSeq, String problem) {}

  private final Map<String, PublicKey> keys;
  private final String unknownKeyHint;
  private AuditCheckpoint previous;
  private boolean mustBeFirst;
  private long checked;
  private Long firstBadSeq;
  private String problem;

  /**
   * @param keys public keys by key id
   * @param fromStart whether the first checkpoint fed is the ledger's first (its {@code
   *     prevSignature} must then be empty); false for a range that starts later
   * @param unknownKeyHint what to do about a checkpoint signed by a key not in {@code keys}
   */
  public CheckpointVerifier(Map<String, PublicKey> keys, boolean fromStart, String unknownKeyHint) {
    this.keys = Map.copyOf(keys);
    this.mustBeFirst = fromStart;
    this.unknownKeyHint = Objects.requireNonNull(unknownKeyHint);
  }

  /**
   * Examines the next checkpoint.
   *
   * @param eventHash the hash of the event at the checkpoint's seq as found (in the table or the
   *     export), or null when there is no such event
   * @return false once a checkpoint failed (later ones are not examined)
   */
  public boolean accept(AuditCheckpoint cp, String eventHash) {
    if (firstBadSeq != null) {
      return false;
    }
    checked++;
    if (previous != null && cp.seq() <= previous.seq()) {
      return fail(
          cp.seq(),
          "checkpoint at seq "
              + cp.seq()
              + " follows the checkpoint at seq "
              + previous.seq()
              + " (out of order or duplicate)");
    }
    if (eventHash == null) {
      return fail(cp.seq(), "checkpoint at seq " + cp.seq() + " names an event that is missing");
    }
    if (!eventHash.equals(cp.hash())) {
      return fail(
          cp.seq(),
          "checkpoint at seq "
              + cp.seq()
              + " signed hash "
              + cp.hash()
              + " but the event there has hash "
              + eventHash);
    }
    PublicKey key = keys.get(cp.keyId());
    if (key == null) {
      return fail(
          cp.seq(),
          "checkpoint at seq "
              + cp.seq()
              + " is signed by key "
              + cp.keyId()
              + ", which is not among the given public keys ("
              + String.join(", ", keys.keySet())
              + "); "
              + unknownKeyHint);
    }
    if (!cp.verifies(key)) {
      return fail(
          cp.seq(),
          "checkpoint at seq "
              + cp.seq()
              + " has an invalid signature for key "
              + cp.keyId()
              + " (forged or altered)");
    }
    if (previous != null && !previous.signature().equals(cp.prevSignature())) {
      return fail(
          cp.seq(),
          "checkpoint at seq "
              + cp.seq()
              + " does not carry the signature of the checkpoint at seq "
              + previous.seq()
              + " (a checkpoint was removed or replaced)");
    }
    if (previous == null && mustBeFirst && !cp.prevSignature().isEmpty()) {
      return fail(
          cp.seq(),
          "checkpoint at seq "
              + cp.seq()
              + " names a previous checkpoint but none comes before it (a checkpoint was"
              + " removed)");
    }
    previous = cp;
    mustBeFirst = false;
    return true;
  }

  /** The last good checkpoint, or null. */
  public AuditCheckpoint last() {
    return previous;
  }

  public Result result() {
    return new Result(
        firstBadSeq == null, checked, previous == null ? 0 : previous.seq(), firstBadSeq, problem);
  }

  private boolean fail(long seq, String why) {
    firstBadSeq = seq;
    problem = why;
    return false;
  }
}
