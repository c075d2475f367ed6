package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a step-up asks the identity provider for, and when a sign-in satisfies it. */
class StepUpTest {

  static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

  static Caller signedIn(String acr, List<String> amr, Instant at) {
    return new Caller(
        "demo:carol",
        "Carol",
        null,
        false,
        Set.of("approvers"),
        new Caller.Authentication("oidc", acr, amr, at),
        Map.of());
  }

  @Test
  void aSignInSatisfiesItWithAnAcceptedAcrEveryAmrAndWithinTheMaximumAge() {
    StepUp s = new StepUp(Set.of("step-up", "gold"), Set.of("otp"), Duration.ofMinutes(15));
    assertThat(s.acrValues()).isEqualTo("gold step-up");
    assertThat(s.maxAgeSeconds()).isEqualTo(900);
    assertThat(s.satisfiedBy(signedIn("gold", List.of("pwd", "otp"), NOW.minusSeconds(60)), NOW))
        .isTrue();
    assertThat(s.satisfiedBy(signedIn("gold", List.of("pwd", "otp"), NOW.minusSeconds(900)), NOW))
        .as("exactly the maximum age")
        .isTrue();
    assertThat(s.satisfiedBy(signedIn("gold", List.of("pwd", "otp"), NOW.minusSeconds(901)), NOW))
        .as("older")
        .isFalse();
    assertThat(s.satisfiedBy(signedIn("sign-in", List.of("otp"), NOW), NOW)).isFalse();
    assertThat(s.satisfiedBy(signedIn(null, List.of("otp"), NOW), NOW)).isFalse();
    assertThat(s.satisfiedBy(signedIn("gold", List.of("pwd"), NOW), NOW)).isFalse();
    assertThat(s.satisfiedBy(signedIn("gold", List.of("otp"), null), NOW))
        .as("no auth_time")
        .isFalse();
    assertThat(s.describe())
        .isEqualTo(
            "acr gold or step-up, sign-in methods otp, a sign-in within the last 15 minutes");
  }

  @Test
  void twoAtOnceAskForAnAcrBothAcceptEveryMethodAndTheShorterAge() {
    StepUp a = new StepUp(Set.of("gold", "platinum"), Set.of("otp"), Duration.ofMinutes(15));
    StepUp b = new StepUp(Set.of("platinum"), Set.of("hwk"), Duration.ofMinutes(5));
    StepUp both = a.and(b);
    assertThat(both.acr()).containsExactly("platinum");
    assertThat(both.amr()).containsExactlyInAnyOrder("otp", "hwk");
    assertThat(both.maxAge()).isEqualTo(Duration.ofMinutes(5));
    // no acr both accept: ask for the first one's; the other entitlement stays refused
    StepUp apart = a.and(new StepUp(Set.of("silver"), Set.of(), Duration.ofHours(1)));
    assertThat(apart.acr()).containsExactlyInAnyOrder("gold", "platinum");
    assertThat(new StepUp(Set.of(), Set.of(), Duration.ofHours(1)).and(b).acr())
        .containsExactly("platinum");
  }
}
