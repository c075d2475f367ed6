package io.portcullis.grant;

import io.portcullis.catalog.model.ProviderSpec;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.PersonKey;
import io.portcullis.platform.paging.Cursor;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where grants are kept: the only code that reads or writes {@code access_grant}. The use cases
 * (hand-off, the engine, the kill switch, revocation, listings, the gauges) work through it. Times
 * that decide when work is due are the database's, so replicas with skewed clocks agree.
 */
public interface GrantStore {

  Optional<AccessGrant> find(UUID id);

  /** The grant with its row locked for update until the transaction ends. */
  Optional<AccessGrant> lock(UUID id);

  /** These grants in id order (those that exist). */
  List<AccessGrant> byIds(List<UUID> ids);

  /**
   * The grants of these requests, ordered by entitlement then id (as strings, in Java's order
   * whatever the database's collation).
   */
  List<AccessGrant> ofRequests(Collection<UUID> requestIds);

  /** Which of these requests still have a grant that is not over (revoked or failed). */
  Set<UUID> requestsWithLiveGrants(Collection<UUID> requestIds);

  /**
   * One page of grants newest first, keyset-paged by (created, id).
   *
   * @param owner only this person's grants, or null for everyone's
   * @param state only in this state, or null for any
   */
  List<AccessGrant> page(PersonKey owner, GrantState state, Cursor after, int n);

  /**
   * Writes a SCHEDULED grant of one entitlement, due at the requested start by the database clock
   * (or at once).
   *
   * @return the new grant's id
   */
  UUID schedule(
      GrantHandOff.Ask ask,
      String entitlement,
      ProviderSpec provider,
      String policyVersion,
      Instant createdAt);

  /**
   * Claims up to {@code n} grants whose next attempt is due by the database clock, oldest due
   * first, locked with SKIP LOCKED so that replicas never claim the same one.
   *
   * @param lane whose grants: one provider's, or every provider's but those with lanes
   * @param revocationsOnly only ACTIVE and REVOKING grants (the sweep)
   * @return the grants claimed, and the database clock as they were claimed
   */
  Claim claimDue(GrantLane lane, boolean revocationsOnly, int n);

  /**
   * Grants claimed, and the database clock ({@code clock_timestamp()}, to the microsecond) read by
   * the claiming statement: the batch's start, without a round trip of its own.
   */
  record Claim(List<AccessGrant> grants, Instant at) {
    static final Claim NONE = new Claim(List.of(), null);
  }

  /** A live grant as the kill switch first sees it, before it locks anything. */
  record LiveCandidate(UUID id, CallerSnapshot requester) {}

  /**
   * What the kill switch narrows live grants by in SQL; the identity rule then decides on each
   * candidate's requester. Null or empty parts do not narrow.
   *
   * @param personKeys subject keys or emails, any of which the requester's key may equal
   * @param personGroups groups, any of which the requester may be in
   * @param anyVerifiedEmail whether anyone with a verified email may be in scope (a user entry may
   *     name an email)
   */
  record LiveScope(
      String entitlement,
      String provider,
      String group,
      boolean narrowToPeople,
      Collection<String> personKeys,
      Collection<String> personGroups,
      boolean anyVerifiedEmail) {}

  /** Live grants (scheduled to irrevocable) that may be in scope, read without locks, by id. */
  List<LiveCandidate> liveCandidates(LiveScope scope);

  /** Those of these grants still live, row-locked in id order. */
  List<UUID> lockLive(List<UUID> ids);

  /**
   * Milliseconds until the lane's next grant falls due by the database clock (0: one is due now);
   * -1 when none is pending.
   *
   * @param laterOnly only grants not due yet: when the next one falls due after those due now
   */
  long millisUntilNextDue(GrantLane lane, boolean laterOnly);

  /** How many grants each provider has in ACTIVE, REVOKING and IRREVOCABLE. */
  Map<String, Map<GrantState, Long>> liveByProvider();

  /**
   * Revocations due longer ago than {@code budget}: how many, and how late the oldest is (an
   * extension being renewed before the grant's end is no revocation).
   */
  record Overdue(long count, Duration oldest) {}

  Overdue overdueRevocations(Duration budget);

  /**
   * Up to {@code limit} ACTIVE grants whose end is within {@code notice} of {@code now} and whose
   * holder has not heard of this end yet, row-locked ({@code SKIP LOCKED}: a grant another
   * transaction holds is left for a later look). Grants activated inside the notice window are left
   * out: their {@code grant.active} named the end already.
   */
  List<AccessGrant> claimEnding(Instant now, Duration notice, int limit);

  /** Records that the holders of these grants heard of their current end. */
  void markEndingNoticed(List<UUID> ids);

  /** The database's {@code clock_timestamp()}, to the microsecond: the clock grants are due by. */
  Instant dbNow();

  /** Writes pending changes now (so that a failure is seen inside the caller's step). */
  void flush();

  /** Writes pending changes and forgets loaded grants (batches of thousands). */
  void flushAndForget();
}
