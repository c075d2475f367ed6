package io.portcullis.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.platform.error.Problems;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The grant's named transitions, without a database. */
class AccessGrantTest {

  static final Instant T = Instant.parse("2026-11-26T10:00:00Z");
  static final UUID EXTENSION = UUID.randomUUID();

  static AccessGrant in(GrantState state) {
    return AccessGrant.restore(
        UUID.randomUUID(),
        state,
        "http-stub",
        Duration.ofHours(1),
        state == GrantState.SCHEDULED ? null : T.plusSeconds(3600),
        state == GrantState.SCHEDULED ? null : Map.of("id", "h"));
  }

  @Test
  void activationStartsTheClockAndMakesRevocationDueAtTheEnd() {
    AccessGrant g = in(GrantState.SCHEDULED);
    g.activate(T, Map.of("lease", "x"), null);
    assertThat(g.state()).isEqualTo(GrantState.ACTIVE);
    assertThat(g.activatedAt()).isEqualTo(T);
    assertThat(g.notAfter()).isEqualTo(T.plus(Duration.ofHours(1)));
    assertThat(g.nextAttemptAt()).isEqualTo(g.notAfter());
    assertThat(g.handle()).containsEntry("lease", "x");
    assertThat(g.attempts()).isZero();
  }

  @Test
  void failedActivationsCountAndEndInActivationFailed() {
    AccessGrant g = in(GrantState.SCHEDULED);
    g.activationAttemptFailed(T, "503", T.plusSeconds(5));
    assertThat(g.state()).isEqualTo(GrantState.ACTIVATING);
    assertThat(g.attempts()).isEqualTo(1);
    assertThat(g.nextAttemptAt()).isEqualTo(T.plusSeconds(5));
    g.activationFailed(T.plusSeconds(5), "503 again");
    assertThat(g.state()).isEqualTo(GrantState.ACTIVATION_FAILED);
    assertThat(g.attempts()).isEqualTo(2);
    assertThat(g.nextAttemptAt()).isNull();
    assertThat(g.lastError()).isEqualTo("503 again");
    assertThatThrownBy(() -> g.activate(T, Map.of(), null))
        .isInstanceOf(Problems.Conflict.class)
        .hasMessageContaining("ACTIVATION_FAILED");
  }

  @Test
  void expiryRevocationRetriesThenTurnsIrrevocableAndStillEndsRevoked() {
    AccessGrant g = in(GrantState.ACTIVE);
    g.revocationAttemptFailed(T, "timeout", T.plusSeconds(20));
    assertThat(g.state()).isEqualTo(GrantState.REVOKING);
    assertThat(g.revokeCause()).isEqualTo(RevokeCause.EXPIRY);
    g.irrevocable(T.plusSeconds(20), "timeout", T.plusSeconds(900));
    assertThat(g.state()).isEqualTo(GrantState.IRREVOCABLE);
    g.revocationAttemptFailed(T.plusSeconds(900), "timeout", T.plusSeconds(1800));
    assertThat(g.state()).isEqualTo(GrantState.IRREVOCABLE);
    assertThat(g.attempts()).isEqualTo(3);
    g.revoked(T.plusSeconds(1800), null);
    assertThat(g.state()).isEqualTo(GrantState.REVOKED);
    assertThat(g.nextAttemptAt()).isNull();
    assertThat(g.lastError()).isNull();
    assertThat(g.revokedAt()).isEqualTo(T.plusSeconds(1800));
  }

  @Test
  void earlyRevocationOfAScheduledGrantEndsItAtOnce() {
    AccessGrant g = in(GrantState.SCHEDULED);
    assertThat(g.requestRevocation(T, RevokeCause.EARLY, "demo:alice", "done")).isTrue();
    assertThat(g.state()).isEqualTo(GrantState.REVOKED);
    assertThat(g.revokedAt()).isEqualTo(T);
    assertThat(g.revokeRequestedBy()).isEqualTo("demo:alice");
  }

  @Test
  void earlyRevocationOfAnActiveGrantIsDueNowAndRepeatingItChangesNothing() {
    AccessGrant g = in(GrantState.ACTIVE);
    assertThat(g.requestRevocation(T, RevokeCause.KILL_SWITCH, "demo:admin", "vendor")).isTrue();
    assertThat(g.state()).isEqualTo(GrantState.REVOKING);
    assertThat(g.nextAttemptAt()).isEqualTo(T);
    assertThat(g.revokeCause()).isEqualTo(RevokeCause.KILL_SWITCH);
    assertThat(g.requestRevocation(T.plusSeconds(1), RevokeCause.EARLY, "x", null)).isFalse();
    assertThat(g.revokeCause()).isEqualTo(RevokeCause.KILL_SWITCH);
    g.revoked(T.plusSeconds(2), T.plusSeconds(600));
    assertThat(g.effectiveUntil()).isEqualTo(T.plusSeconds(600));
    assertThatThrownBy(() -> g.requestRevocation(T, RevokeCause.EARLY, "x", null))
        .isInstanceOf(Problems.Conflict.class)
        .hasMessageContaining("nothing left to revoke");
  }

  @Test
  void theCredentialIsHandedOutOnceAndOnlyWhileActive() {
    AccessGrant g = in(GrantState.ACTIVE);
    g.credentialRetrieved(T);
    assertThatThrownBy(() -> g.credentialRetrieved(T)).isInstanceOf(Problems.Conflict.class);
    AccessGrant revoking = in(GrantState.REVOKING);
    assertThatThrownBy(() -> revoking.credentialRetrieved(T)).isInstanceOf(Problems.Conflict.class);
  }

  @Test
  void illegalMovesNameTheCurrentState() {
    assertThatThrownBy(() -> in(GrantState.REVOKED).revoked(T, null))
        .hasMessageContaining("it is REVOKED");
    assertThatThrownBy(() -> in(GrantState.SCHEDULED).irrevocable(T, "x", T))
        .hasMessageContaining("it is SCHEDULED");
    assertThatThrownBy(() -> in(GrantState.ACTIVE).activationFailed(T, "x"))
        .hasMessageContaining("it is ACTIVE");
  }

  /** A named transition, applied at {@code T}. */
  enum Move {
    ACTIVATE(g -> g.activate(T, Map.of("id", "h"), null)),
    ACTIVATION_ATTEMPT_FAILED(g -> g.activationAttemptFailed(T, "x", T.plusSeconds(30))),
    DEFER_ACTIVATION(g -> g.deferActivation(T, "window", T.plusSeconds(600))),
    ACTIVATION_FAILED(g -> g.activationFailed(T, "x")),
    REQUEST_REVOCATION(g -> g.requestRevocation(T, RevokeCause.EARLY, "idp|bob", "done")),
    EXPEDITE_REVOCATION(g -> g.expediteRevocation(T)),
    REVOKED(g -> g.revoked(T, null)),
    REVOCATION_ATTEMPT_FAILED(g -> g.revocationAttemptFailed(T, "x", T.plusSeconds(30))),
    IRREVOCABLE(g -> g.irrevocable(T, "x", T.plusSeconds(3600))),
    CREDENTIAL_RETRIEVED(g -> g.credentialRetrieved(T)),
    APPROVE_EXTENSION(g -> g.approveExtension(T, EXTENSION, T.plusSeconds(5400))),
    EXTENDED(g -> g.extended(T, T.plusSeconds(5400), null)),
    EXTENSION_ATTEMPT_FAILED(g -> g.extensionAttemptFailed(T, "x", T.plusSeconds(30))),
    EXTENSION_FAILED(g -> g.extensionFailed(T, "x"));

    final java.util.function.Consumer<AccessGrant> apply;

    Move(java.util.function.Consumer<AccessGrant> apply) {
      this.apply = apply;
    }
  }

  /**
   * Every move from every state: the state it leads to, or null where it is refused with a 409
   * naming the current state. One row per state, one column per {@link Move} in declaration order.
   */
  static final Map<GrantState, List<GrantState>> TABLE = new java.util.EnumMap<>(GrantState.class);

  static {
    GrantState S = GrantState.SCHEDULED;
    GrantState A = GrantState.ACTIVATING;
    GrantState L = GrantState.ACTIVE;
    GrantState R = GrantState.REVOKING;
    GrantState I = GrantState.IRREVOCABLE;
    GrantState D = GrantState.REVOKED;
    GrantState F = GrantState.ACTIVATION_FAILED;
    // ACTIVATE, ATTEMPT_FAILED, DEFER, ACTIVATION_FAILED, REQUEST_REVOCATION, EXPEDITE, REVOKED,
    // REVOCATION_ATTEMPT_FAILED, IRREVOCABLE, CREDENTIAL_RETRIEVED, APPROVE_EXTENSION, EXTENDED,
    // EXTENSION_ATTEMPT_FAILED, EXTENSION_FAILED
    TABLE.put(
        S,
        java.util.Arrays.asList(
            L, A, S, F, D, null, null, null, null, null, null, null, null, null));
    TABLE.put(
        A,
        java.util.Arrays.asList(
            L, A, A, F, R, null, null, null, null, null, null, null, null, null));
    // ACTIVE with no extension pending: only approving one extends it
    TABLE.put(
        L,
        java.util.Arrays.asList(null, null, null, null, R, null, D, R, I, L, L, null, null, null));
    TABLE.put(
        R,
        java.util.Arrays.asList(
            null, null, null, null, R, R, D, R, I, null, null, null, null, null));
    TABLE.put(
        I,
        java.util.Arrays.asList(
            null, null, null, null, I, I, D, I, null, null, null, null, null, null));
    TABLE.put(D, java.util.Collections.nCopies(Move.values().length, null));
    TABLE.put(F, java.util.Collections.nCopies(Move.values().length, null));
  }

  @Test
  void everyMoveFromEveryState() {
    assertThat(TABLE.keySet()).containsExactlyInAnyOrder(GrantState.values());
    for (GrantState from : GrantState.values()) {
      List<GrantState> row = TABLE.get(from);
      assertThat(row).as("row of %s", from).hasSize(Move.values().length);
      for (Move move : Move.values()) {
        GrantState to = row.get(move.ordinal());
        AccessGrant g = in(from);
        if (to == null) {
          assertThatThrownBy(() -> move.apply.accept(g))
              .as("%s from %s", move, from)
              .isInstanceOf(Problems.Conflict.class)
              .hasMessageContaining(from.name());
          assertThat(g.state()).as("a refused %s leaves %s", move, from).isEqualTo(from);
        } else {
          move.apply.accept(g);
          assertThat(g.state()).as("%s from %s", move, from).isEqualTo(to);
        }
      }
    }
  }

  /**
   * Every move from an ACTIVE grant with an extension pending: the state it leads to, or null where
   * it is refused with a 409 naming ACTIVE; and whether the extension is still pending after it.
   */
  static final Map<Move, GrantState> FROM_PENDING = new java.util.EnumMap<>(Move.class);

  static {
    FROM_PENDING.put(Move.REQUEST_REVOCATION, GrantState.REVOKING);
    FROM_PENDING.put(Move.REVOKED, GrantState.REVOKED);
    FROM_PENDING.put(Move.REVOCATION_ATTEMPT_FAILED, GrantState.REVOKING);
    FROM_PENDING.put(Move.IRREVOCABLE, GrantState.IRREVOCABLE);
    FROM_PENDING.put(Move.CREDENTIAL_RETRIEVED, GrantState.ACTIVE);
    FROM_PENDING.put(Move.EXTENDED, GrantState.ACTIVE);
    FROM_PENDING.put(Move.EXTENSION_ATTEMPT_FAILED, GrantState.ACTIVE);
    FROM_PENDING.put(Move.EXTENSION_FAILED, GrantState.ACTIVE);
  }

  static final java.util.Set<Move> KEEP_PENDING =
      java.util.EnumSet.of(Move.CREDENTIAL_RETRIEVED, Move.EXTENSION_ATTEMPT_FAILED);

  static AccessGrant extending() {
    AccessGrant g = in(GrantState.ACTIVE);
    g.approveExtension(T.minusSeconds(1), EXTENSION, T.plusSeconds(5400));
    return g;
  }

  @Test
  void everyMoveFromAnActiveGrantWithAnExtensionPending() {
    for (Move move : Move.values()) {
      AccessGrant g = extending();
      GrantState to = FROM_PENDING.get(move);
      if (to == null) {
        assertThatThrownBy(() -> move.apply.accept(g))
            .as("%s with an extension pending", move)
            .isInstanceOf(Problems.Conflict.class)
            .hasMessageContaining("ACTIVE");
        assertThat(g.extensionRequestId()).as("a refused %s keeps it pending", move).isNotNull();
        continue;
      }
      move.apply.accept(g);
      assertThat(g.state()).as("%s with an extension pending", move).isEqualTo(to);
      if (KEEP_PENDING.contains(move)) {
        assertThat(g.extensionRequestId()).as("%s keeps it pending", move).isEqualTo(EXTENSION);
        assertThat(g.extendTo()).isEqualTo(T.plusSeconds(5400));
      } else {
        // the database refuses a pending extension outside ACTIVE, and half of one
        assertThat(g.extensionRequestId()).as("%s ends it", move).isNull();
        assertThat(g.extendTo()).as("%s ends it", move).isNull();
      }
    }
  }

  @Test
  void anExtensionMovesTheEndOnlyWhenTheProviderConfirmedIt() {
    AccessGrant g = in(GrantState.ACTIVE);
    Instant end = g.notAfter();
    g.approveExtension(T, EXTENSION, end.plusSeconds(1800));
    assertThat(g.notAfter()).as("not before the provider confirmed").isEqualTo(end);
    assertThat(g.nextAttemptAt()).as("due at once").isEqualTo(T);
    assertThat(g.extendTo()).isEqualTo(end.plusSeconds(1800));

    // a failed attempt retries, but never after the grant's end
    g.extensionAttemptFailed(T, "503", T.plusSeconds(30));
    assertThat(g.nextAttemptAt()).isEqualTo(T.plusSeconds(30));
    assertThat(g.attempts()).isEqualTo(1);
    g.extensionAttemptFailed(T.plusSeconds(30), "503", end.plusSeconds(60));
    assertThat(g.nextAttemptAt()).as("the end comes first").isEqualTo(end);

    // the provider may be told less than asked (eligibility), never more
    assertThatThrownBy(() -> g.extended(T, end.plusSeconds(1801), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> g.extended(T, end, null)).isInstanceOf(IllegalArgumentException.class);
    g.extended(T.plusSeconds(40), end.plusSeconds(1200), null);
    assertThat(g.state()).isEqualTo(GrantState.ACTIVE);
    assertThat(g.notAfter()).isEqualTo(end.plusSeconds(1200));
    assertThat(g.nextAttemptAt()).as("revocation due at the new end").isEqualTo(g.notAfter());
    assertThat(g.attempts()).isZero();
    assertThat(g.lastError()).isNull();
    assertThat(g.extensionRequestId()).isNull();

    // given up: the grant ends as before, saying why
    g.approveExtension(T.plusSeconds(50), UUID.randomUUID(), g.notAfter().plusSeconds(600));
    g.extensionFailed(T.plusSeconds(60), "refused");
    assertThat(g.notAfter()).isEqualTo(end.plusSeconds(1200));
    assertThat(g.nextAttemptAt()).isEqualTo(g.notAfter());
    assertThat(g.lastError()).isEqualTo("refused");
    assertThatThrownBy(() -> g.approveExtension(T, EXTENSION, g.notAfter()))
        .as("an extension ends after the grant does")
        .isInstanceOf(IllegalArgumentException.class);
  }
}
