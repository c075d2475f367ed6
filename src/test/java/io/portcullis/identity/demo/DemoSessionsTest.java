package io.portcullis.identity.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DemoSessionsTest {

  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-11-24T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static DemoConfig config(Duration length) {
    return new DemoConfig() {
      @Override
      public boolean enabled() {
        return true;
      }

      @Override
      public Duration sessionLength() {
        return length;
      }
    };
  }

  @Test
  void aSessionIsValidUntilItExpires() {
    MutableClock clock = new MutableClock();
    DemoSessions sessions = new DemoSessions(clock, config(Duration.ofHours(8)));
    String cookie = sessions.issue("bob");
    assertThat(sessions.verify(cookie)).contains("bob");
    clock.now = clock.now.plus(Duration.ofHours(8)).minusSeconds(1);
    assertThat(sessions.verify(cookie)).contains("bob");
    clock.now = clock.now.plusSeconds(1);
    assertThat(sessions.verify(cookie)).isEmpty();
  }

  @Test
  void anotherProcessesCookieOrGarbageIsRefused() {
    MutableClock clock = new MutableClock();
    DemoSessions one = new DemoSessions(clock, config(Duration.ofHours(1)));
    DemoSessions two = new DemoSessions(clock, config(Duration.ofHours(1)));
    assertThat(two.verify(one.issue("alice"))).isEmpty();
    assertThat(one.verify(null)).isEmpty();
    assertThat(one.verify("")).isEmpty();
    assertThat(one.verify("a.b.c")).isEmpty();
    assertThat(one.verify("%%%.x")).isEmpty();
    String good = one.issue("alice");
    assertThat(one.verify(good + "x")).isEmpty();
  }

  @Test
  void twoSignInsInTheSameSecondAreTwoSessions() {
    // the web forms' CSRF tokens are bound to the session cookie: two sign-ins must differ
    MutableClock clock = new MutableClock();
    DemoSessions sessions = new DemoSessions(clock, config(Duration.ofHours(1)));
    String one = sessions.issue("alice");
    String two = sessions.issue("alice");
    assertThat(one).isNotEqualTo(two);
    assertThat(sessions.verify(one)).contains("alice");
    assertThat(sessions.verify(two)).contains("alice");
  }

  @Test
  void demoPasswordsAreCheckedExactly() {
    assertThat(DemoUsers.verify("alice", "alice".toCharArray())).isPresent();
    assertThat(DemoUsers.verify("alice", "Alice".toCharArray())).isEmpty();
    assertThat(DemoUsers.verify("mallory", "mallory".toCharArray())).isEmpty();
    assertThat(DemoUsers.verify("alice", new char[0])).isEmpty();
    assertThat(DemoUsers.names()).containsExactly("alice", "bob", "carol", "dana", "admin");
  }
}
