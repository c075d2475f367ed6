package io.portcullis.grant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How long a dispatcher worker waits after a batch that was not full. */
class GrantDispatcherTest {

  static final long POLL = 1_000;

  @Test
  void nothingWaitingMeansTheLongestIdleWait() {
    assertThat(GrantDispatcher.idleWait(-1, -1, 0, 0, POLL)).isEqualTo(POLL);
    assertThat(GrantDispatcher.idleWait(-1, -1, 3, 1, POLL)).isEqualTo(POLL);
  }

  @Test
  void aGrantDueLaterIsWaitedForUntilItIsDueAtMostThePoll() {
    assertThat(GrantDispatcher.idleWait(250, -1, 0, 0, POLL)).isEqualTo(250);
    assertThat(GrantDispatcher.idleWait(250, -1, 0, 1, POLL)).isEqualTo(250);
    assertThat(GrantDispatcher.idleWait(60_000, -1, 1, 0, POLL)).isEqualTo(POLL);
  }

  @Test
  void aGrantDueNowIsLookedAtAgainAtOnceWhenNoSiblingHoldsIt() {
    // it fell due between the batch's claim and the look at the queue, or the batch took some
    assertThat(GrantDispatcher.idleWait(0, 300, 0, 0, POLL)).isZero();
    assertThat(GrantDispatcher.idleWait(0, -1, 2, 1, POLL)).isZero();
  }

  @Test
  void aGrantDueNowThatASiblingHoldsIsLeftToThatSibling() {
    // the batch claimed none of it (SKIP LOCKED) while another worker of the lane is in a batch:
    // asking again at once would only find it locked again until that batch commits
    assertThat(GrantDispatcher.idleWait(0, -1, 0, 1, POLL)).isEqualTo(POLL);
  }

  @Test
  void whileASiblingHoldsWhatIsDueTheNextGrantDueLaterIsStillTakenOnTime() {
    // a slow provider keeps the sibling's batch open: the grant that falls due in 300 ms is not in
    // it, and waiting out the whole poll would make its revocation late
    assertThat(GrantDispatcher.idleWait(0, 300, 0, 1, POLL)).isEqualTo(300);
    assertThat(GrantDispatcher.idleWait(0, 5_000, 0, 1, POLL)).isEqualTo(POLL);
    assertThat(GrantDispatcher.idleWait(0, 0, 0, 1, POLL)).isEqualTo(1);
  }
}
