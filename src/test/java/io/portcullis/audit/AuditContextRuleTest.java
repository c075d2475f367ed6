package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whose identity an event carries when it is recorded during someone's HTTP call. */
class AuditContextRuleTest {

  static final AuditContext.Person ALICE =
      new AuditContext.Person(
          "idp|alice", "Alice", AuditContext.auth("oidc", "mfa", List.of("pwd", "otp")));
  static final Map<String, String> SOURCE = Map.of("address", "hmac-sha256:k:ab");

  @Test
  void theCallerActingIsTheActorWithNameAndSignIn() {
    AuditContext c = AuditContext.forCall("idp|alice", ALICE, "p1", "req-1", SOURCE);
    assertThat(c.actorName()).isEqualTo("Alice");
    assertThat(c.auth()).containsEntry("acr", "mfa");
    assertThat(c.triggeredBy()).isNull();
    assertThat(c.format()).isEqualTo(3);
  }

  @Test
  void aSystemActorDuringTheCallCarriesNoOnesIdentityAndNamesTheCaller() {
    AuditContext c = AuditContext.forCall("system:policy", ALICE, "p1", "req-1", SOURCE);
    assertThat(c.actorName()).isNull();
    assertThat(c.auth()).isEmpty();
    assertThat(c.triggeredBy()).isEqualTo(ALICE);
    assertThat(c.requestId()).isEqualTo("req-1");
    assertThat(c.source()).isEqualTo(SOURCE);
    c.checkFor("system:policy"); // consistent
  }

  @Test
  void anotherPersonAsActorIsNotGivenTheCallersNameEither() {
    AuditContext c = AuditContext.forCall("idp|bob", ALICE, "p1", "req-1", SOURCE);
    assertThat(c.actorName()).isNull();
    assertThat(c.triggeredBy().subject()).isEqualTo("idp|alice");
  }

  @Test
  void aCallerWhoseSubjectLooksLikeASystemActorIsStillNotGivenANameForIt() {
    AuditContext.Person odd = new AuditContext.Person("system:policy", "Mallory", Map.of());
    AuditContext c = AuditContext.forCall("system:policy", odd, null, "req-2", Map.of());
    assertThat(c.actorName()).isNull();
    assertThat(c.triggeredBy()).isNull(); // it would be the actor: the name goes nowhere
  }

  @Test
  void anAnonymousCallNamesNobody() {
    AuditContext c = AuditContext.forCall("system:portcullis", null, null, "req-3", SOURCE);
    assertThat(c.actorName()).isNull();
    assertThat(c.triggeredBy()).isNull();
  }

  @Test
  void inconsistentContextsAreRefused() {
    AuditContext named = new AuditContext("Alice", Map.of(), null, null, Map.of());
    assertThatThrownBy(() -> named.checkFor("system:grant-engine"))
        .isInstanceOf(IllegalArgumentException.class);
    AuditContext self = new AuditContext(null, Map.of(), null, "r", Map.of(), ALICE, 3);
    assertThatThrownBy(() -> self.checkFor("idp|alice"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuditContext(null, Map.of(), null, "r", Map.of(), ALICE, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void format3HashesTriggeredByAndFormat2RecordsStillHashAsTheyWere() {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    AuditContext v3 = AuditContext.forCall("system:policy", ALICE, "p", "r", Map.of());
    AuditContext other =
        AuditContext.forCall(
            "system:policy",
            new AuditContext.Person("idp|eve", "Eve", Map.of()),
            "p",
            "r",
            Map.of());
    String h3 =
        AuditHashing.expectedHash(
            new AuditRecord(
                1,
                at,
                "request.approved",
                "system:policy",
                Map.of(),
                Map.of(),
                "0".repeat(64),
                null,
                v3));
    String hOther =
        AuditHashing.expectedHash(
            new AuditRecord(
                1,
                at,
                "request.approved",
                "system:policy",
                Map.of(),
                Map.of(),
                "0".repeat(64),
                null,
                other));
    assertThat(h3).isNotEqualTo(hOther); // who triggered it is covered by the hash
    assertThat(
            AuditHashing.canonicalBody(
                new AuditRecord(
                    1, at, "request.approved", "system:policy", Map.of(), Map.of(), "x", null, v3)))
        .contains("\"triggeredBy\":{\"auth\":")
        .contains("\"v\":3");
    AuditContext v2 = new AuditContext("Alice", Map.of(), "p", "r", Map.of(), null, 2);
    String body2 =
        AuditHashing.canonicalBody(
            new AuditRecord(
                1, at, "request.approved", "idp|alice", Map.of(), Map.of(), "x", null, v2));
    assertThat(body2).doesNotContain("triggeredBy").contains("\"v\":2");
  }
}
