package io.portcullis.request.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.portcullis.grant.AccessGrant;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.request.AccessRequest;
import io.portcullis.request.PlannedEntitlement;
import io.portcullis.request.RequestReview;
import io.portcullis.request.RequestState;
import io.portcullis.request.RequestStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An access request as the API shows it. */
public record RequestView(
    UUID id,
    String state,
    Person requester,
    List<String> entitlements,
    String duration,
    Instant start,
    String justification,
    String ticket,
    boolean breakGlass,
    String policyVersion,
    String digest,
    Instant createdAt,
    Instant expiresAt,
    Instant decidedAt,
    UUID extendsGrant,
    String extension,
    Map<String, String> inputs,
    List<PlannedEntitlement> plan,
    List<String> resolution,
    List<ReviewView> reviews,
    List<UUID> grants,
    List<StageEventView> stageEvents,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean existing,
    @JsonInclude(JsonInclude.Include.NON_NULL) String message) {

  /**
   * This request as the answer to the same ask again: {@code existing} is true and {@code message}
   * says that nothing new was filed.
   */
  RequestView asExisting() {
    return new RequestView(
        id,
        state,
        requester,
        entitlements,
        duration,
        start,
        justification,
        ticket,
        breakGlass,
        policyVersion,
        digest,
        createdAt,
        expiresAt,
        decidedAt,
        extendsGrant,
        extension,
        inputs,
        plan,
        resolution,
        reviews,
        grants,
        stageEvents,
        true,
        "You already asked for exactly this: request "
            + id
            + " ("
            + state
            + ") is that ask; nothing new was filed.");
  }

  /**
   * How an approved extension was carried out: {@code in-place} (the extended grant runs on, no
   * grant of its own) or {@code new-grant}; null for other requests and before approval.
   */
  static String extension(AccessRequest r, List<UUID> grants) {
    if (r.extendsGrantId() == null || r.state() != RequestState.APPROVED) {
      return null;
    }
    return grants.isEmpty() ? "in-place" : "new-grant";
  }

  /** Who, as the identity provider described them at the time. */
  public record Person(String subject, String name, String email) {
    static Person of(CallerSnapshot snapshot) {
      return new Person(snapshot.subject(), snapshot.name(), snapshot.email());
    }
  }

  /**
   * A stage reminded of ({@code REMINDED}) or escalated ({@code ESCALATED}: from {@code at} its
   * fallback reviewers may decide it too), with whom it told.
   */
  public record StageEventView(
      String entitlement, String stage, String kind, Instant at, List<String> recipients) {}

  /** A recorded review. */
  public record ReviewView(
      Person reviewer, String decision, String comment, Instant at, String digest) {}

  /**
   * @param resolution for a pending request, its resolution with the policy in force now
   * @param grants the request's own grants (none for an extension in place: the extended grant runs
   *     on)
   */
  static RequestView of(
      AccessRequest r,
      List<String> resolution,
      List<RequestReview> reviews,
      List<AccessGrant> grants,
      List<RequestStore.StageEvent> stageEvents) {
    return ofGrantIds(
        r, resolution, reviews, grants.stream().map(AccessGrant::id).toList(), stageEvents);
  }

  /**
   * {@link #of}, given the ids of the request's own grants, in the order the store lists them (by
   * entitlement).
   */
  static RequestView ofGrantIds(
      AccessRequest r,
      List<String> resolution,
      List<RequestReview> reviews,
      List<UUID> grants,
      List<RequestStore.StageEvent> stageEvents) {
    return new RequestView(
        r.id(),
        r.state().name(),
        Person.of(r.requester()),
        r.entitlements(),
        r.duration().toString(),
        r.startAt(),
        r.justification(),
        r.ticket(),
        r.breakGlass(),
        r.policyVersion(),
        r.digest(),
        r.createdAt(),
        r.expiresAt(),
        r.decidedAt(),
        r.extendsGrantId(),
        extension(r, grants),
        r.inputs(),
        r.plan(),
        resolution,
        reviews.stream()
            .map(
                v ->
                    new ReviewView(
                        Person.of(v.reviewer()),
                        v.decision().name(),
                        v.comment(),
                        v.createdAt(),
                        v.digest()))
            .toList(),
        List.copyOf(grants),
        stageEvents.stream()
            .map(
                e ->
                    new StageEventView(
                        e.entitlement(), e.stage(), e.kind().name(), e.at(), e.recipients()))
            .toList(),
        null,
        null);
  }
}
