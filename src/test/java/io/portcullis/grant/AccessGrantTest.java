package io.portcullis.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.platform.error.Problems;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The grant's named transitions, without a database. */
class AccessGrantTest {

  static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

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
}
