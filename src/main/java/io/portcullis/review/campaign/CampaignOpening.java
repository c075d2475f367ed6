package io.portcullis.review.campaign;

import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.json.CanonicalJson;
import io.portcullis.platform.json.Sha256;
import io.portcullis.review.recommend.Finding;
import io.portcullis.review.snapshot.SnapshotBuilder;
import io.portcullis.review.snapshot.SnapshotWriter;
import io.quarkus.narayana.jta.runtime.TransactionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Opens a campaign: freezes the ledger head and the policy in force, writes the snapshot folded
 * from the ledger, plans the items, and records {@code review.campaign_opened} with the snapshot's
 * hash, all in one transaction. A scheduled opening is keyed by (definition, fire time) and happens
 * once however many replicas try.
 */
@ApplicationScoped
public class CampaignOpening {

  /** Compressed snapshot chunk size. */
  static final int CHUNK = 1 << 20;

  private final ReviewStore store;
  private final PolicyStore policies;
  private final AuditLog audit;
  private final Roles roles;
  private final Clock clock;

  CampaignOpening(
      ReviewStore store, PolicyStore policies, AuditLog audit, Roles roles, Clock clock) {
    this.store = store;
    this.policies = policies;
    this.audit = audit;
    this.roles = roles;
    this.clock = clock;
  }

  /** What an admin asks for when opening a campaign off-cycle. */
  public record OffCycle(
      String definition, String principalSet, String title, Instant periodStart) {}

  /**
   * Opens the campaign of {@code definition} for the cron firing {@code fire}, unless it exists.
   *
   * @return the campaign, or empty when another replica (or an earlier run) opened it
   */
  @Transactional
  @TransactionConfiguration(timeout = 3600)
  public Optional<ReviewCampaign> openScheduled(String definition, Instant fire) {
    store.lockOpening(definition, fire);
    if (store.exists(definition, fire)) {
      return Optional.empty();
    }
    PolicySet policy = policies.decisions().policy();
    AccessReview review =
        policy
            .accessReview(definition)
            .orElseThrow(() -> new IllegalStateException("no definition " + definition));
    Instant from = new Cadence(review).previous(fire);
    return Optional.of(
        open(policy, review, fire, null, title(review, fire), ReviewAudit.SCHEDULER, from));
  }

  /** Opens a campaign now, off-cycle, for an admin (e.g. a vendor exit for one principal set). */
  @Transactional
  @TransactionConfiguration(timeout = 3600)
  public ReviewCampaign openOffCycle(Caller admin, OffCycle ask) {
    if (!roles.isAdmin(admin)) {
      throw new Problems.Forbidden("Only admins open campaigns.");
    }
    if (ask.definition() == null || ask.definition().isBlank()) {
      throw new Problems.Invalid(
          new FieldError("definition", "required: the id of an access review in the policy", null));
    }
    if (ask.title() != null && (ask.title().isBlank() || ask.title().length() > 200)) {
      throw new Problems.Invalid(
          new FieldError("title", "must be 1 to 200 characters, or left out", null));
    }
    PolicySet policy = policies.decisions().policy();
    AccessReview review =
        policy
            .accessReview(ask.definition())
            .orElseThrow(
                () ->
                    new Problems.Unprocessable(
                        "No such access review",
                        "The policy in force defines no access review '" + ask.definition() + "'",
                        List.of(
                            new FieldError(
                                "definition",
                                "not an accessReviews: id in the policy in force",
                                "one of " + policy.accessReviews().keySet()))));
    if (ask.principalSet() != null && !policy.principalSets().containsKey(ask.principalSet())) {
      throw new Problems.Unprocessable(
          "No such principal set",
          "The policy in force defines no principal set '" + ask.principalSet() + "'",
          List.of(
              new FieldError(
                  "principalSet",
                  "not a principalSets: name in the policy in force",
                  "one of " + policy.principalSets().keySet())));
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Instant from =
        ask.periodStart() != null
            ? ask.periodStart()
            : now.minus(review.thresholds().dormantAfter());
    if (!from.isBefore(now)) {
      throw new Problems.Invalid(
          new FieldError("periodStart", "must be before now", "omit it for the last 90 days"));
    }
    String title =
        ask.title() != null
            ? ask.title()
            : review.id()
                + (ask.principalSet() == null ? "" : " " + ask.principalSet())
                + " off-cycle "
                + now.truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10);
    return open(policy, review, null, ask.principalSet(), title.strip(), admin.subject(), from);
  }

  private ReviewCampaign open(
      PolicySet policy,
      AccessReview review,
      Instant fire,
      String principalSet,
      String title,
      String actor,
      Instant periodStart) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    UUID id = UUID.randomUUID();
    long toSeq = audit.headSeq();
    SnapshotWriter out = new SnapshotWriter((i, b) -> store.addChunk(id, i, b), CHUNK);
    SnapshotBuilder.Built built =
        SnapshotBuilder.build(
            new SnapshotBuilder.Spec(
                id.toString(), policy, review, principalSet, periodStart, now, toSeq),
            sink -> audit.read(1, toSeq, sink),
            out);
    Instant due = now.plus(review.due());
    Instant secondDue = review.secondStage().map(s -> due.plus(s.due())).orElse(null);
    ReviewCampaign c =
        ReviewCampaign.opened(
            new ReviewCampaign.Opening(
                id,
                review.id(),
                title,
                fire,
                principalSet,
                actor,
                now,
                periodStart,
                now,
                due,
                secondDue,
                policy.hash(),
                toSeq,
                built.events(),
                built.written().sha256(),
                built.written().lines(),
                built.written().bytes()));
    store.add(c);
    List<ItemDraft> drafts = ItemPlanner.plan(policy, review, built, periodStart, now);
    ReviewItem.Assignees fallback = Assignment.of(policy, review.reviewers().fallback());
    int ord = 0;
    for (ItemDraft d : drafts) {
      ord++;
      ReviewItem.Assignees who =
          d.route() == Route.FALLBACK ? fallback : Assignment.of(policy, d.reviewers());
      ItemContent content =
          new ItemContent(
              d.via(),
              d.uses(),
              d.approvers(),
              d.recommendation().findings(),
              People.of(d.reviewers()),
              People.of(d.fallback()),
              review.secondStage().map(st -> People.of(st.reviewers())).orElse(null),
              d.flags());
      store.add(
          ReviewItem.planned(UUID.randomUUID(), id, ord, d, content, who, fallback, digest(c, d)));
    }
    audit.append(ReviewAudit.opened(c, drafts.size(), actor));
    return c;
  }

  /** The digest of an item as launched: what a reviewer sees, in canonical JSON. */
  static String digest(ReviewCampaign c, ItemDraft d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("campaign", c.id().toString());
    m.put("snapshot", c.snapshotSha256());
    m.put("entitlement", d.entitlement());
    m.put("entry", d.entry());
    m.put("until", d.until() == null ? null : d.until().toString());
    m.put("recommendation", d.recommendation().verdict().name());
    m.put("findings", d.recommendation().findings().stream().map(Finding::summary).toList());
    m.put(
        "uses",
        d.uses().stream().map(u -> u.subject() + ":" + u.grants() + ":" + u.elevated()).toList());
    m.put("approvers", new java.util.TreeMap<>(d.approvers()));
    m.put("route", d.route().name());
    return Sha256.hex(CanonicalJson.write(m));
  }

  /** "prod-quarterly 2027-Q1" for a quarterly firing, else the definition and the date. */
  static String title(AccessReview review, Instant fire) {
    ZonedDateTime t = fire.atZone(review.zone());
    if (review.cron().equals(AccessReview.QUARTERLY)) {
      return review.id() + " " + t.getYear() + "-Q" + ((t.getMonthValue() - 1) / 3 + 1);
    }
    if (review.cron().equals(AccessReview.SEMIANNUAL)) {
      return review.id() + " " + t.getYear() + "-H" + ((t.getMonthValue() - 1) / 6 + 1);
    }
    return review.id() + " " + t.toLocalDate();
  }

  /** How far back a missed firing is still opened: the definition's due period, at most 7 days. */
  static Duration catchUp(AccessReview review) {
    Duration week = Duration.ofDays(7);
    return review.due().compareTo(week) < 0 ? review.due() : week;
  }
}
