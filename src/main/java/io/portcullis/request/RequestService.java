package io.portcullis.request;

import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.decision.ApprovalPlan;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.decision.Resolution;
import io.portcullis.catalog.decision.Review;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.Stage;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.GrantHandOff;
import io.portcullis.grant.GrantState;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CallerSnapshots;
import io.portcullis.identity.Identities;
import io.portcullis.identity.PersonKey;
import io.portcullis.identity.Roles;
import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.json.CanonicalJson;
import io.portcullis.platform.json.Sha256;
import io.portcullis.platform.paging.Cursor;
import io.portcullis.provider.ProviderRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The access request lifecycle: submit, review, cancel, expire. Every transition locks the request
 * row, and commits with its audit event in one transaction.
 */
@ApplicationScoped
public class RequestService {

  static final String SYSTEM_POLICY = "system:policy";

  /** The longest review comment, in characters (the API and the web page alike). */
  public static final int MAX_COMMENT_CHARS = 4000;

  private final EntityManager em;
  private final PolicyStore policies;
  private final AuditLog audit;
  private final Roles roles;
  private final RequestConfig config;
  private final Clock clock;
  private final GrantHandOff handOff;
  private final ProviderRegistry providers;
  private final Suspensions suspensions;
  private final NotificationOutbox outbox;

  RequestService(
      EntityManager em,
      PolicyStore policies,
      AuditLog audit,
      Roles roles,
      RequestConfig config,
      Clock clock,
      GrantHandOff handOff,
      ProviderRegistry providers,
      Suspensions suspensions,
      NotificationOutbox outbox) {
    this.em = em;
    this.outbox = outbox;
    this.suspensions = suspensions;
    this.handOff = handOff;
    this.providers = providers;
    this.policies = policies;
    this.audit = audit;
    this.roles = roles;
    this.config = config;
    this.clock = clock;
  }

  /**
   * What a requester asks for, as received.
   *
   * @param duration ISO-8601 text
   * @param start ISO-8601 date-time with offset, or null for "as soon as approved"
   */
  public record Submission(
      List<String> entitlements,
      String duration,
      String start,
      String justification,
      String ticket,
      boolean breakGlass,
      UUID extendsGrantId,
      Map<String, String> inputs) {

    /** A submission without provider inputs. */
    public Submission(
        List<String> entitlements,
        String duration,
        String start,
        String justification,
        String ticket,
        boolean breakGlass,
        UUID extendsGrantId) {
      this(entitlements, duration, start, justification, ticket, breakGlass, extendsGrantId, null);
    }
  }

  /** The outcome of a submission: the request, and whether an equal open one was returned. */
  public record Submitted(AccessRequest request, boolean existing) {}

  // ------------------------------------------------------------------ submit

  @Transactional
  public Submitted submit(Caller caller, Submission s) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    RequestSpec spec = validate(s, now);
    PolicyDecisions decisions = policies.decisions();
    suspensions.holdOff(); // a kill switch under way finishes first, the next one waits for us
    List<PolicyDecisions.Outcome> outcomes =
        decisions.decide(
            caller,
            spec,
            now,
            suspensions.refusalsToRequest(decisions.policy(), caller, spec.entitlements()));
    List<FieldError> refusals = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      PolicyDecisions.Outcome o = outcomes.get(i);
      if (!o.allowed()) {
        for (String reason : o.reasons()) {
          refusals.add(new FieldError(fieldOf(reason, i), reason));
        }
      }
    }
    if (!refusals.isEmpty()) {
      throw new Problems.Unprocessable(
          "Policy refuses this request",
          refusals.size()
              + " reason(s): "
              + String.join("; ", refusals.stream().map(FieldError::message).toList()),
          refusals);
    }
    Map<String, String> inputs = checkInputs(decisions, spec.entitlements(), s.inputs());
    PersonKey owner = PersonKey.of(caller);
    String requesterKey = owner.subject();
    boolean parallel =
        spec.entitlements().stream()
            .allMatch(
                id ->
                    decisions
                        .policy()
                        .entitlement(id)
                        .map(Entitlement::parallelGrants)
                        .orElse(false));
    List<Object> ask = new ArrayList<>(List.of(requesterKey, new TreeSet<>(spec.entitlements())));
    if (s.extendsGrantId() != null) {
      ask.add(
          s.extendsGrantId().toString()); // an extension is its own ask, never the grant's request
    }
    if (parallel) {
      ask.add(UUID.randomUUID().toString()); // policy allows parallel grants: every ask is new
    }
    String askKey = Sha256.hex(CanonicalJson.write(ask));
    em.createNativeQuery("select pg_advisory_xact_lock(hashtextextended(:k, 0))")
        .setParameter("k", askKey)
        .getSingleResult();
    Optional<AccessRequest> open =
        parallel ? Optional.empty() : openEqual(askKey, requesterKey, spec.entitlements());
    if (open.isPresent()) {
      return new Submitted(open.get(), true);
    }
    Instant expiresAt = now.plus(minPendingTtl(decisions, spec.entitlements()));
    List<Map<String, Object>> plan = new ArrayList<>();
    boolean allAuto = !spec.breakGlass();
    List<String> autoRules = new ArrayList<>();
    for (PolicyDecisions.Outcome o : outcomes) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("entitlement", o.entitlement());
      ApprovalPlan ap = o.plan();
      if (ap != null && ap.autoApprovedBy() != null) {
        p.put("autoApprovedBy", ap.autoApprovedBy());
        autoRules.add(o.entitlement() + ": " + ap.autoApprovedBy());
      } else {
        allAuto = false;
      }
      p.put(
          "stages",
          ap == null ? List.of() : ap.stages().stream().map(RequestService::stageMap).toList());
      p.put("reasons", o.reasons());
      plan.add(p);
    }
    String policyVersion = decisions.policy().hash();
    UUID id = UUID.randomUUID();
    AccessRequest r =
        AccessRequest.submitted(
            id,
            owner,
            CallerSnapshots.of(caller),
            spec.entitlements(),
            spec.duration(),
            spec.start(),
            spec.justification(),
            spec.ticket(),
            spec.breakGlass(),
            policyVersion,
            digestOf(requesterKey, spec, policyVersion, s.extendsGrantId(), inputs),
            askKey,
            plan,
            now,
            expiresAt,
            s.extendsGrantId(),
            inputs);
    em.persist(r);
    audit.append(
        RequestAudit.submitted(
            id,
            caller.subject(),
            spec.entitlements(),
            spec.duration().toString(),
            spec.start(),
            spec.ticket(),
            spec.justification(),
            spec.breakGlass(),
            policyVersion,
            r.digest(),
            outcomes.stream().flatMap(o -> o.reasons().stream()).toList(),
            s.extendsGrantId()));

    if (spec.breakGlass()) {
      breakGlass(r, caller, decisions, now);
    } else if (allAuto) {
      RequestReview review =
          RequestReview.of(
              UUID.randomUUID(),
              id,
              SYSTEM_POLICY,
              Map.of(
                  "subject",
                  SYSTEM_POLICY,
                  "name",
                  "Policy",
                  "groups",
                  List.of(),
                  "amr",
                  List.of()),
              RequestReview.Decision.APPROVE,
              "auto-approved by " + String.join(", ", autoRules),
              r.digest(),
              now);
      em.persist(review);
      audit.append(RequestAudit.autoApproved(id, SYSTEM_POLICY, autoRules, policyVersion));
      approve(r, SYSTEM_POLICY, List.of("auto-approved: " + String.join("; ", autoRules)), now);
    } else {
      notifyReviewers(
          r, Notification.ReviewNeeded.REVIEW_REQUESTED, firstStageRecipients(plan), now);
    }
    return new Submitted(r, false);
  }

  static final java.util.regex.Pattern INPUT_NAME =
      java.util.regex.Pattern.compile("[a-zA-Z][a-zA-Z0-9]{0,39}");
  static final int MAX_INPUT_CHARS = 16 * 1024;

  /**
   * The inputs the entitlements' providers need, checked: each required one present and valid, none
   * that no requested entitlement uses.
   */
  private Map<String, String> checkInputs(
      PolicyDecisions decisions, List<String> entitlements, Map<String, String> given) {
    Map<String, String> in = given == null ? Map.of() : given;
    List<FieldError> errors = new ArrayList<>();
    Map<String, String> wanted = new java.util.TreeMap<>();
    for (String id : entitlements) {
      Entitlement e = decisions.policy().entitlement(id).orElseThrow();
      providers
          .find(e.provider().kind())
          .ifPresent(
              p -> {
                Map<String, String> required = p.requiredInputs(e.provider().params());
                required.forEach(wanted::putIfAbsent);
                Map<String, String> mine = new LinkedHashMap<>();
                for (String name : required.keySet()) {
                  String v = in.get(name);
                  if (v == null || v.isBlank()) {
                    errors.add(
                        new FieldError(
                            "inputs." + name,
                            "is required for " + id + ": " + required.get(name),
                            null));
                  } else {
                    mine.put(name, v.strip());
                  }
                }
                if (errors.isEmpty()) {
                  p.inputProblems(e.provider().params(), mine)
                      .forEach(
                          (name, problem) ->
                              errors.add(new FieldError("inputs." + name, problem, null)));
                }
              });
    }
    Map<String, String> out = new java.util.TreeMap<>();
    for (Map.Entry<String, String> x : in.entrySet()) {
      String name = x.getKey();
      String value = x.getValue() == null ? "" : x.getValue().strip();
      if (name == null || !INPUT_NAME.matcher(name).matches()) {
        errors.add(
            new FieldError(
                "inputs", "'" + abbreviate(String.valueOf(name)) + "' is not an input name", null));
      } else if (!wanted.containsKey(name)) {
        errors.add(
            new FieldError(
                "inputs." + name,
                "is not used by any of the requested entitlements",
                wanted.isEmpty()
                    ? "leave inputs out"
                    : "expected: " + String.join(", ", wanted.keySet())));
      } else if (value.length() > MAX_INPUT_CHARS || value.indexOf('\u0000') >= 0) {
        errors.add(
            new FieldError(
                "inputs." + name,
                "must be at most " + MAX_INPUT_CHARS + " characters without NUL",
                null));
      } else {
        out.put(name, value);
      }
    }
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList()),
          errors);
    }
    return out;
  }

  private static Map<String, Object> stageMap(ApprovalPlan.PlanStage s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("approvals", s.approvals());
    m.put("denials", s.denials());
    m.put("reviewers", s.reviewers());
    m.put("notes", s.notes());
    return m;
  }

  private static String fieldOf(String reason, int index) {
    String r = reason.toLowerCase(Locale.ROOT);
    if (r.startsWith("suspended:")) {
      return "entitlements[" + index + "]"; // whatever words the admin's reason holds
    }
    if (r.contains("unknown entitlement")) {
      return "entitlements[" + index + "]";
    }
    if (r.contains("duration")) {
      return "duration";
    }
    if (r.contains("ticket")) {
      return "ticket";
    }
    if (r.contains("justification")) {
      return "justification";
    }
    if (r.contains("break-glass")) {
      return "breakGlass";
    }
    if (r.contains("can be activated only")) {
      return "start";
    }
    return "entitlements[" + index + "]";
  }

  private RequestSpec validate(Submission s, Instant now) {
    List<FieldError> errors = new ArrayList<>();
    List<String> ids = s.entitlements() == null ? List.of() : s.entitlements();
    if (ids.isEmpty()) {
      errors.add(
          new FieldError(
              "entitlements", "at least one entitlement is required", "see GET /api/v1/catalog"));
    } else if (ids.size() > config.maxEntitlements()) {
      errors.add(
          new FieldError(
              "entitlements",
              "at most " + config.maxEntitlements() + " entitlements per request",
              null));
    } else {
      Set<String> seen = new LinkedHashSet<>();
      for (int i = 0; i < ids.size(); i++) {
        String e = ids.get(i);
        if (e == null || !e.matches("[a-z0-9][a-z0-9-]{0,62}")) {
          errors.add(
              new FieldError(
                  "entitlements[" + i + "]",
                  "not an entitlement id",
                  "ids look like demo-db-readonly"));
        } else if (!seen.add(e)) {
          errors.add(
              new FieldError("entitlements[" + i + "]", "'" + e + "' is listed twice", null));
        }
      }
    }
    Duration duration = null;
    if (s.duration() == null || s.duration().isBlank()) {
      errors.add(
          new FieldError("duration", "is required", "an ISO-8601 duration such as PT30M or PT4H"));
    } else {
      try {
        duration = Duration.parse(s.duration().strip());
        if (duration.isZero() || duration.isNegative()) {
          errors.add(
              new FieldError(
                  "duration", "must be positive, got " + s.duration(), "for example PT1H"));
          duration = null;
        } else if (duration.compareTo(Duration.ofDays(366)) > 0) {
          errors.add(
              new FieldError(
                  "duration",
                  "is absurdly long: " + s.duration(),
                  "just-in-time access lasts hours, see maxDuration in the catalog"));
          duration = null;
        }
      } catch (RuntimeException e) {
        errors.add(
            new FieldError(
                "duration",
                "is not an ISO-8601 duration: '" + abbreviate(s.duration()) + "'",
                "for example PT30M or PT4H"));
      }
    }
    Instant start = null;
    if (s.start() != null) {
      try {
        start =
            java.time.OffsetDateTime.parse(s.start().strip())
                .toInstant()
                .truncatedTo(ChronoUnit.MICROS);
        if (start.isBefore(now.minusSeconds(60))) {
          errors.add(
              new FieldError(
                  "start",
                  "is in the past: " + s.start(),
                  "leave it out to start as soon as approved"));
        } else if (start.isAfter(now.plus(config.maxStartHorizon()))) {
          errors.add(
              new FieldError(
                  "start",
                  "is more than " + config.maxStartHorizon().toDays() + " days ahead",
                  "request closer to the time you need it"));
        }
      } catch (RuntimeException e) {
        errors.add(
            new FieldError(
                "start",
                "is not a date-time with offset: '" + abbreviate(s.start()) + "'",
                "for example 2026-11-24T14:00:00+05:30"));
      }
    }
    String justification = s.justification() == null ? "" : s.justification().strip();
    if (justification.length() > config.maxJustification()) {
      errors.add(
          new FieldError(
              "justification",
              "is longer than " + config.maxJustification() + " characters",
              "summarise and link the ticket"));
    }
    if (justification.indexOf('\u0000') >= 0) {
      errors.add(new FieldError("justification", "contains a NUL character", null));
    }
    String ticket = s.ticket() == null || s.ticket().isBlank() ? null : s.ticket().strip();
    if (ticket != null && (ticket.length() > 200 || ticket.indexOf('\u0000') >= 0)) {
      errors.add(
          new FieldError(
              "ticket", "is longer than 200 characters or contains control characters", null));
    }
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList()),
          errors);
    }
    return new RequestSpec(ids, duration, start, justification, ticket, s.breakGlass());
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  private Duration minPendingTtl(PolicyDecisions d, List<String> ids) {
    return ids.stream()
        .map(
            id ->
                d.policy()
                    .entitlement(id)
                    .map(Entitlement::pendingTtl)
                    .orElse(Duration.ofHours(24)))
        .min(Duration::compareTo)
        .orElse(Duration.ofHours(24));
  }

  /** SHA-256 over the canonical request content; reviews are bound to it. */
  static String digestOf(
      String requesterKey,
      RequestSpec spec,
      String policyVersion,
      UUID extendsGrant,
      Map<String, String> inputs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requester", requesterKey);
    m.put("entitlements", spec.entitlements());
    m.put("durationSeconds", spec.duration().getSeconds());
    m.put("start", spec.start() == null ? null : spec.start().toString());
    m.put("justification", spec.justification());
    m.put("ticket", spec.ticket());
    m.put("breakGlass", spec.breakGlass());
    m.put("policyVersion", policyVersion);
    m.put("extendsGrant", extendsGrant == null ? null : extendsGrant.toString());
    if (!inputs.isEmpty()) {
      m.put(
          "inputs", inputs); // only when present: digests of requests without inputs are unchanged
    }
    return Sha256.hex(CanonicalJson.write(m));
  }

  static String digestOf(AccessRequest r) {
    return digestOf(r.requesterKey(), spec(r), r.policyVersion(), r.extendsGrantId(), r.inputs());
  }

  static RequestSpec spec(AccessRequest r) {
    return new RequestSpec(
        r.entitlements(), r.duration(), r.startAt(), r.justification(), r.ticket(), r.breakGlass());
  }

  private Optional<AccessRequest> openEqual(
      String askKey, String requesterKey, List<String> entitlements) {
    List<AccessRequest> pending =
        em.createQuery(
                "from AccessRequest r where r.askKey = :k and r.state = :s", AccessRequest.class)
            .setParameter("k", askKey)
            .setParameter("s", RequestState.PENDING)
            .getResultList();
    if (!pending.isEmpty()) {
      return Optional.of(pending.get(0));
    }
    List<AccessRequest> active =
        em.createQuery(
                "select distinct r from AccessRequest r, AccessGrant g where g.requestId = r.id"
                    + " and r.askKey = :k and r.state = :s and g.state not in (:ended)"
                    + " order by r.createdAt desc",
                AccessRequest.class)
            .setParameter("k", askKey)
            .setParameter("s", RequestState.APPROVED)
            .setParameter("ended", List.of(GrantState.REVOKED, GrantState.ACTIVATION_FAILED))
            .setMaxResults(1)
            .getResultList();
    return active.stream().findFirst();
  }

  private void breakGlass(AccessRequest r, Caller caller, PolicyDecisions d, Instant now) {
    List<String> recipients = new ArrayList<>(firstStageRecipients(r.plan()));
    for (String id : r.entitlements()) {
      d.policy()
          .entitlement(id)
          .ifPresent(
              e ->
                  e.approval().stages().stream()
                      .findFirst()
                      .ifPresent(
                          s ->
                              PolicyDecisions.describeEach(s.reviewers())
                                  .forEach(
                                      x -> {
                                        if (!recipients.contains(x)) recipients.add(x);
                                      })));
    }
    config.securityContacts().forEach(c -> recipients.add("security " + c));
    Instant due = now.plus(config.breakGlassReviewWithin());
    em.createNativeQuery("insert into break_glass_review (request_id, due_at) values (:id, :due)")
        .setParameter("id", r.id())
        .setParameter("due", due)
        .executeUpdate();
    audit.append(
        RequestAudit.breakGlassActivated(
            r.id(),
            caller.subject(),
            r.entitlements(),
            r.justification(),
            due,
            recipients,
            r.policyVersion()));
    approve(
        r,
        caller.subject(),
        List.of("break-glass by " + caller.subject() + "; review due by " + due),
        now);
    notifyReviewers(r, Notification.ReviewNeeded.BREAK_GLASS_ACTIVATED, recipients, now);
  }

  @SuppressWarnings("unchecked")
  private static List<String> firstStageRecipients(List<Map<String, Object>> plan) {
    Set<String> out = new LinkedHashSet<>();
    for (Map<String, Object> p : plan) {
      List<Map<String, Object>> stages =
          (List<Map<String, Object>>) p.getOrDefault("stages", List.of());
      if (!stages.isEmpty()) {
        out.addAll((List<String>) stages.get(0).getOrDefault("reviewers", List.of()));
      }
    }
    return List.copyOf(out);
  }

  private void notifyReviewers(AccessRequest r, String kind, List<String> recipients, Instant now) {
    outbox.enqueue(
        new Notification.ReviewNeeded(
            kind,
            r.id(),
            recipients,
            String.valueOf(r.requester().get("subject")),
            r.entitlements(),
            r.breakGlass()),
        now);
  }

  /** APPROVED, and the hand-off to the grant engine: one grant per entitlement. */
  private void approve(AccessRequest r, String actor, List<String> reasons, Instant now) {
    r.approve(now, reasons);
    PolicyDecisions d = policies.decisions();
    List<String> grantIds = new ArrayList<>();
    for (String entitlement : r.entitlements()) {
      Entitlement e =
          d.policy()
              .entitlement(entitlement)
              .orElseThrow(
                  () ->
                      new Problems.Conflict(
                          entitlement + " is no longer in the policy; nothing can be granted."));
      UUID g =
          handOff.handOff(
              r.id(),
              entitlement,
              r.owner(),
              e.provider(),
              d.policy().hash(),
              r.startAt(),
              r.duration(),
              now);
      grantIds.add(g.toString());
    }
    audit.append(RequestAudit.approved(r.id(), actor, reasons, grantIds, r.policyVersion()));
  }

  // ------------------------------------------------------------------ read

  /**
   * Who may see a request: its requester, auditors and admins, its reviewers under the policy in
   * force, the reviewers its plan named when it was submitted, and anyone who reviewed it. Someone
   * who could see it and may not review it any more gets a 403 with the reason; only strangers get
   * a 404.
   */
  public boolean maySee(Caller caller, AccessRequest r) {
    if (Identities.samePerson(caller, r.owner()) || roles.mayReadAll(caller)) {
      return true;
    }
    PolicyDecisions d = policies.decisions();
    Instant now = clock.instant();
    for (String id : r.entitlements()) {
      Optional<Entitlement> e = d.policy().entitlement(id);
      if (e.isPresent()) {
        for (Stage s : e.get().approval().stages()) {
          if (d.membership(s.reviewers(), caller, now).isPresent()) {
            return true;
          }
        }
      }
    }
    for (Map<String, Object> p : r.plan()) {
      if (p.get("stages") instanceof List<?> stages) {
        for (Object stage : stages) {
          if (stage instanceof Map<?, ?> m && m.get("reviewers") instanceof List<?> reviewers) {
            List<String> named = reviewers.stream().map(String::valueOf).toList();
            if (d.membership(PolicyDecisions.fromDescriptions(named), caller, now).isPresent()) {
              return true;
            }
          }
        }
      }
    }
    return reviews(r.id()).stream()
        .anyMatch(
            v ->
                !v.reviewerKey().equals(SYSTEM_POLICY)
                    && Identities.samePerson(caller, CallerSnapshots.key(v.reviewer())));
  }

  /**
   * A pending request's resolution with the policy in force, as it stands now (a policy change
   * since the last review shows here: "bob's approval does not count: …"); for a decided request,
   * the resolution recorded when it was decided.
   */
  @Transactional
  public List<String> currentResolution(AccessRequest r) {
    return r.state() != RequestState.PENDING
        ? r.resolution()
        : currentResolution(r, reviews(r.id()));
  }

  /**
   * A request as shown: with its reviews, its grants and its resolution as it stands now.
   *
   * @param resolution see {@link #currentResolution(AccessRequest)}
   */
  public record Shown(
      AccessRequest request,
      List<RequestReview> reviews,
      List<AccessGrant> grants,
      List<String> resolution) {}

  /**
   * Requests as shown, in the order given, with two queries however many there are (their reviews
   * and their grants), not one per request.
   */
  @Transactional
  public List<Shown> show(List<AccessRequest> requests) {
    if (requests.isEmpty()) {
      return List.of();
    }
    Map<UUID, List<RequestReview>> reviews = reviewsOf(requests);
    Map<UUID, List<AccessGrant>> grants = new HashMap<>();
    em.createQuery(
            "from AccessGrant g where g.requestId in :ids order by g.entitlement",
            AccessGrant.class)
        .setParameter("ids", requests.stream().map(AccessRequest::id).toList())
        .getResultList()
        .forEach(g -> grants.computeIfAbsent(g.requestId(), k -> new ArrayList<>()).add(g));
    List<Shown> out = new ArrayList<>(requests.size());
    for (AccessRequest r : requests) {
      List<RequestReview> rv = reviews.getOrDefault(r.id(), List.of());
      out.add(
          new Shown(
              r,
              rv,
              grants.getOrDefault(r.id(), List.of()),
              r.state() != RequestState.PENDING ? r.resolution() : currentResolution(r, rv)));
    }
    return out;
  }

  private List<String> currentResolution(AccessRequest r, List<RequestReview> reviews) {
    return resolveAll(r, policies.decisions(), reviews).reasons();
  }

  /**
   * Where a request's reviews leave it, entitlement by entitlement, with {@code d}.
   *
   * @param reasons each entitlement's reasons, prefixed with its id
   */
  private record Overall(List<String> reasons, boolean allApproved, boolean anyDenied) {}

  private Overall resolveAll(AccessRequest r, PolicyDecisions d, List<RequestReview> reviews) {
    Caller requester = CallerSnapshots.toCaller(r.requester());
    RequestSpec spec = spec(r);
    List<Review> counted = counted(reviews, r.digest());
    List<String> reasons = new ArrayList<>();
    boolean allApproved = true;
    boolean anyDenied = false;
    for (Map<String, Object> p : r.plan()) {
      String entitlementId = (String) p.get("entitlement");
      if (p.get("autoApprovedBy") != null) {
        reasons.add(entitlementId + ": auto-approved by " + p.get("autoApprovedBy"));
        continue;
      }
      Optional<Entitlement> e = d.policy().entitlement(entitlementId);
      if (e.isEmpty()) {
        allApproved = false;
        reasons.add(entitlementId + ": no longer in the policy");
        continue;
      }
      Resolution res = d.resolve(e.get(), requester, spec, counted);
      res.reasons().forEach(x -> reasons.add(entitlementId + ": " + x));
      anyDenied |= res.state() == Resolution.State.DENIED;
      allApproved &= res.state() == Resolution.State.APPROVED;
    }
    return new Overall(reasons, allApproved, anyDenied);
  }

  /** The request if the caller may see it; otherwise 404, the same as for a missing id. */
  @Transactional
  public AccessRequest get(Caller caller, UUID id) {
    AccessRequest r = em.find(AccessRequest.class, id);
    if (r == null || !maySee(caller, r)) {
      throw new Problems.NotFound("Request", id.toString());
    }
    return r;
  }

  @Transactional
  public List<RequestReview> reviews(UUID requestId) {
    return em.createQuery(
            "from RequestReview v where v.requestId = :id order by v.createdAt, v.id",
            RequestReview.class)
        .setParameter("id", requestId)
        .getResultList();
  }

  @Transactional
  public List<AccessGrant> grants(UUID requestId) {
    return em.createQuery(
            "from AccessGrant g where g.requestId = :id order by g.entitlement", AccessGrant.class)
        .setParameter("id", requestId)
        .getResultList();
  }

  // ------------------------------------------------------------------ review

  private AccessRequest lockVisible(Caller caller, UUID id) {
    AccessRequest r = em.find(AccessRequest.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (r == null || !maySee(caller, r)) {
      throw new Problems.NotFound("Request", id.toString());
    }
    return r;
  }

  /**
   * Records a review and resolves the request. The caller's eligibility is evaluated now; a review
   * bound to another digest than the request's does not count.
   *
   * @param seenDigest the digest the reviewer saw, or null for the request as stored
   */
  @Transactional
  public AccessRequest review(
      Caller caller, UUID id, RequestReview.Decision decision, String comment, String seenDigest) {
    if (comment != null && comment.length() > MAX_COMMENT_CHARS) {
      throw new Problems.Invalid(
          new FieldError(
              "comment",
              "must be at most "
                  + MAX_COMMENT_CHARS
                  + " characters (it has "
                  + comment.length()
                  + ")",
              null));
    }
    suspensions.holdOff(); // before the row lock, in the kill switch's order
    AccessRequest r = lockVisible(caller, id);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    if (r.state() != RequestState.PENDING) {
      throw new Problems.Conflict(
          "Request " + id + " is " + r.state() + ", not PENDING: it can no longer be reviewed.");
    }
    if (!now.isBefore(r.expiresAt())) {
      throw new Problems.Conflict(
          "Request "
              + id
              + " expired at "
              + r.expiresAt()
              + " without a decision: it can no longer be reviewed; the requester may ask again.");
    }
    if (!digestOf(r).equals(r.digest())) {
      throw new Problems.Conflict(
          "Request "
              + id
              + " does not match its digest: it was modified after submission, so no review can count.");
    }
    if (seenDigest != null && !seenDigest.equals(r.digest())) {
      throw new Problems.Conflict(
          "You reviewed a different version of request "
              + id
              + " (digest "
              + abbreviate(seenDigest)
              + "); reload it and review again.");
    }
    String reviewerKey = Identities.normalize(caller.subject());
    List<RequestReview> previous = reviews(id);
    PolicyDecisions d = policies.decisions();
    List<String> suspended =
        suspensions.refusalsToReview(d.policy(), caller, r.requester(), r.entitlements());
    if (!suspended.isEmpty()) {
      throw new Problems.Forbidden(
          "You may not review request " + id + " now: " + String.join("; ", suspended));
    }
    Openings open = openings(d, caller, r, counted(previous, r.digest()), now);
    if (open.entitlements().isEmpty()) {
      boolean reviewedBefore =
          previous.stream()
              .anyMatch(
                  v ->
                      v.reviewerKey().equals(reviewerKey)
                          || (!v.reviewerKey().equals(SYSTEM_POLICY)
                              && Identities.samePerson(caller, CallerSnapshots.key(v.reviewer()))));
      if (reviewedBefore && !open.countsIn().isEmpty()) {
        throw new Problems.Conflict(
            "You already reviewed request "
                + id
                + " (perhaps from another account with your verified email), and your review counts"
                + " for "
                + String.join(", ", open.countsIn())
                + "; a person counts once per entitlement, and no other entitlement of it has a"
                + " stage open to you now"
                + (open.refusals().isEmpty() ? "" : " (" + String.join("; ", open.refusals()) + ")")
                + ".");
      }
      throw new Problems.Forbidden(
          "You may not review request " + id + " now: " + String.join("; ", open.refusals()));
    }
    boolean commentRequired =
        open.entitlements().stream()
            .anyMatch(
                x ->
                    d.policy()
                        .entitlement(x)
                        .map(e -> e.approval().commentRequired())
                        .orElse(false));
    if (commentRequired && (comment == null || comment.isBlank())) {
      throw new Problems.Invalid(
          new FieldError(
              "comment",
              "policy requires a comment with every review of this request",
              "say why you approve or deny"));
    }
    RequestReview review =
        RequestReview.of(
            UUID.randomUUID(),
            id,
            reviewerKey,
            CallerSnapshots.of(caller),
            decision,
            comment,
            r.digest(),
            now);
    em.persist(review);
    audit.append(
        RequestAudit.reviewRecorded(
            id,
            caller.subject(),
            decision.name(),
            comment,
            r.digest(),
            open.entitlements(),
            d.policy().hash()));
    List<RequestReview> all = new ArrayList<>(previous);
    all.add(review);
    resolve(r, d, all, caller.subject(), now);
    return r;
  }

  /**
   * Where a reviewer's review would count now.
   *
   * @param entitlements the pending entitlements whose open stage the caller may review and in
   *     which no review of theirs counts yet
   * @param countsIn the entitlements in which a review of theirs already counts
   * @param refusals why the caller may not review the open stage of the others
   */
  record Openings(List<String> entitlements, List<String> countsIn, List<String> refusals) {}

  /**
   * Each entitlement's stages are resolved on their own: a review applies to every entitlement
   * where it can count now, and a person who already counts in one entitlement may review again
   * when a stage of another opens to them.
   */
  private Openings openings(
      PolicyDecisions d, Caller caller, AccessRequest r, List<Review> counted, Instant now) {
    Caller requester = CallerSnapshots.toCaller(r.requester());
    RequestSpec spec = spec(r);
    PersonKey me = PersonKey.of(caller);
    List<String> open = new ArrayList<>();
    List<String> countsIn = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (String entitlementId : r.entitlements()) {
      Optional<Entitlement> e = d.policy().entitlement(entitlementId);
      if (e.isEmpty()) {
        refusals.add(
            entitlementId
                + " is no longer in the policy; the request can only be cancelled or expire");
        continue;
      }
      Resolution res = d.resolve(e.get(), requester, spec, counted);
      if (res.counts(me)) {
        countsIn.add(entitlementId);
        continue;
      }
      if (res.state() != Resolution.State.PENDING
          || res.stage() >= e.get().approval().stages().size()) {
        continue;
      }
      Stage stage = e.get().approval().stages().get(res.stage());
      var may = d.mayReview(e.get(), stage, caller, requester, spec, now);
      if (may.allowed()) {
        open.add(entitlementId);
      } else {
        refusals.addAll(may.reasons());
      }
    }
    return new Openings(open, countsIn, refusals);
  }

  private static List<Review> counted(List<RequestReview> reviews, String digest) {
    List<Review> out = new ArrayList<>();
    for (RequestReview v : reviews) {
      if (v.digest().equals(digest) && !v.reviewerKey().equals(SYSTEM_POLICY)) {
        out.add(
            new Review(
                CallerSnapshots.toCaller(v.reviewer()),
                v.decision() == RequestReview.Decision.APPROVE
                    ? Review.Verdict.APPROVE
                    : Review.Verdict.DENY,
                v.createdAt(),
                v.comment()));
      }
    }
    return out;
  }

  private void resolve(
      AccessRequest r, PolicyDecisions d, List<RequestReview> reviews, String actor, Instant now) {
    Overall overall = resolveAll(r, d, reviews);
    List<String> reasons = overall.reasons();
    if (overall.anyDenied()) {
      r.deny(now, reasons);
      audit.append(RequestAudit.denied(r.id(), actor, reasons, d.policy().hash()));
    } else if (overall.allApproved()) {
      approve(r, actor, reasons, now);
    } else {
      r.progress(reasons);
    }
  }

  // ------------------------------------------------------------------ list

  /** Which requests a listing shows. */
  public enum View {
    MINE,
    TO_REVIEW,
    ALL
  }

  /** One page of a listing and the cursor of the next, or null at the end. */
  public record Page(List<AccessRequest> items, String next) {}

  private static final int TO_REVIEW_BATCH = 200;

  /**
   * Lists requests newest first, keyset-paged by (created_at, id): no OFFSET, stable under inserts.
   * {@code TO_REVIEW} lists pending, unexpired requests the caller may review now (see {@link
   * #toReview}).
   */
  @Transactional
  public Page list(Caller caller, View view, RequestState state, String cursor, int limit) {
    if (view == View.ALL && !roles.mayReadAll(caller)) {
      throw new Problems.Forbidden(
          "Only auditors and admins may list every request; use view=mine or view=to-review.");
    }
    Cursor after = Cursor.decode(cursor);
    if (view == View.TO_REVIEW) {
      return toReview(caller, state, after, limit);
    }
    PersonKey me = PersonKey.of(caller);
    StringBuilder q = new StringBuilder("from AccessRequest r where 1 = 1");
    if (view == View.MINE) {
      // PersonKey.samePerson in SQL
      q.append(
          me.verifiedEmail() == null
              ? " and (r.requesterKey = :me or r.requesterEmailKey = :me)"
              : " and (r.requesterKey in (:me, :email) or r.requesterEmailKey in (:me, :email))");
    }
    if (state != null) {
      q.append(" and r.state = :state");
    }
    if (after != null) {
      q.append(" and (r.createdAt < :t or (r.createdAt = :t and r.id < :id))");
    }
    q.append(" order by r.createdAt desc, r.id desc");
    var query = em.createQuery(q.toString(), AccessRequest.class);
    if (view == View.MINE) {
      query.setParameter("me", me.subject());
      if (me.verifiedEmail() != null) {
        query.setParameter("email", me.verifiedEmail());
      }
    }
    if (state != null) {
      query.setParameter("state", state);
    }
    if (after != null) {
      query.setParameter("t", after.createdAt()).setParameter("id", after.id());
    }
    List<AccessRequest> rows = query.setMaxResults(limit + 1).getResultList();
    if (rows.size() > limit) {
      AccessRequest last = rows.get(limit - 1);
      return new Page(
          List.copyOf(rows.subList(0, limit)), new Cursor(last.createdAt(), last.id()).encode());
    }
    return new Page(List.copyOf(rows), null);
  }

  /**
   * The to-review listing, set-based and bounded. The policy first says which entitlements the
   * caller reviews in some stage; only pending, unexpired requests of someone else for one of those
   * are read, a batch at a time with all their reviews in one query, and only those are evaluated.
   * At most {@code portcullis.requests.to-review-scan} (1,000) requests are examined per call: when
   * that bound is reached before the page is full, the page ends early with a cursor that continues
   * after the last request examined.
   */
  private Page toReview(Caller caller, RequestState state, Cursor after, int limit) {
    if (state != null && state != RequestState.PENDING) {
      return new Page(List.of(), null); // only pending requests wait for a review
    }
    PolicyDecisions d = policies.decisions();
    Instant now = clock.instant();
    List<String> reviewable = new ArrayList<>();
    for (Entitlement e : d.policy().entitlements().values()) {
      for (Stage s : e.approval().stages()) {
        if (d.membership(s.reviewers(), caller, now).isPresent()) {
          reviewable.add(e.id());
          break;
        }
      }
    }
    if (reviewable.isEmpty()) {
      return new Page(List.of(), null);
    }
    PersonKey me = PersonKey.of(caller);
    var suspended = suspensions.reviewRefused(d.policy(), caller);
    List<AccessRequest> out = new ArrayList<>();
    int scanned = 0;
    Cursor position = after;
    int bound = Math.max(1, config.toReviewScan());
    while (scanned < bound) {
      int batch = Math.min(TO_REVIEW_BATCH, bound - scanned);
      var query =
          em.createNativeQuery(
                  "select * from access_request r where r.state = 'PENDING'"
                      + " and r.expires_at > :now"
                      // not the caller's own (PersonKey.samePerson in SQL)
                      + " and r.requester_key not in (:me, :email)"
                      + " and (r.requester_email_key is null"
                      + " or r.requester_email_key not in (:me, :email))"
                      + " and jsonb_exists_any(r.entitlements, string_to_array(:reviewable, ','))"
                      + (position == null
                          ? ""
                          : " and (r.created_at < :t or (r.created_at = :t and r.id < :id))")
                      + " order by r.created_at desc, r.id desc limit :n",
                  AccessRequest.class)
              .setParameter("now", now)
              .setParameter("me", me.subject())
              .setParameter("email", me.verifiedEmail() == null ? "" : me.verifiedEmail())
              .setParameter("reviewable", String.join(",", reviewable)) // ids never hold a comma
              .setParameter("n", batch);
      if (position != null) {
        query.setParameter("t", position.createdAt()).setParameter("id", position.id());
      }
      @SuppressWarnings("unchecked")
      List<AccessRequest> rows = query.getResultList();
      scanned += rows.size();
      Map<UUID, List<RequestReview>> reviews = reviewsOf(rows);
      for (AccessRequest r : rows) {
        position = new Cursor(r.createdAt(), r.id());
        if (!suspended.test(r.requester(), r.entitlements())
            && mayReviewNow(d, caller, r, reviews.getOrDefault(r.id(), List.of()), now)) {
          out.add(r);
          if (out.size() == limit) {
            return new Page(List.copyOf(out), position.encode());
          }
        }
      }
      if (rows.size() < batch) {
        return new Page(List.copyOf(out), null);
      }
    }
    return new Page(List.copyOf(out), position == null ? null : position.encode());
  }

  /** The reviews of many requests in one query, by request, oldest first. */
  private Map<UUID, List<RequestReview>> reviewsOf(List<AccessRequest> requests) {
    if (requests.isEmpty()) {
      return Map.of();
    }
    Map<UUID, List<RequestReview>> out = new HashMap<>();
    em.createQuery(
            "from RequestReview v where v.requestId in :ids order by v.createdAt, v.id",
            RequestReview.class)
        .setParameter("ids", requests.stream().map(AccessRequest::id).toList())
        .getResultList()
        .forEach(v -> out.computeIfAbsent(v.requestId(), k -> new ArrayList<>()).add(v));
    return out;
  }

  /**
   * Whether a review by {@code caller} would count now for some entitlement of a pending request.
   */
  @Transactional
  public boolean mayReviewNow(Caller caller, AccessRequest r) {
    PolicyDecisions d = policies.decisions();
    return r.state() == RequestState.PENDING
        && suspensions
            .refusalsToReview(d.policy(), caller, r.requester(), r.entitlements())
            .isEmpty()
        && mayReviewNow(d, caller, r, reviews(r.id()), clock.instant());
  }

  private boolean mayReviewNow(
      PolicyDecisions d, Caller caller, AccessRequest r, List<RequestReview> reviews, Instant now) {
    return !openings(d, caller, r, counted(reviews, r.digest()), now).entitlements().isEmpty();
  }

  /** The person key of a stored reviewer (or requester) snapshot. */
  public static PersonKey reviewerKeyOf(Map<String, Object> snapshot) {
    return CallerSnapshots.key(snapshot);
  }

  // ------------------------------------------------------------------ extend

  /**
   * Asks to extend a grant: a new request for the grant's entitlement, linked to it, that goes
   * through policy again; at most {@code maxExtensions} per policy.
   */
  @Transactional
  public Submitted extend(
      Caller caller, UUID grantId, String duration, String justification, String ticket) {
    suspensions.holdOff(); // before the grant's row lock, in the kill switch's order

    AccessGrant g = em.find(AccessGrant.class, grantId, LockModeType.PESSIMISTIC_WRITE);
    if (g == null || !Identities.samePerson(caller, g.owner())) {
      throw new Problems.NotFound("Grant", grantId.toString());
    }
    if (g.state().isFinal()
        || g.state() == GrantState.REVOKING
        || g.state() == GrantState.IRREVOCABLE) {
      throw new Problems.Conflict(
          "Grant " + grantId + " is " + g.state() + " and cannot be extended.");
    }
    Entitlement e =
        policies
            .decisions()
            .policy()
            .entitlement(g.entitlement())
            .orElseThrow(
                () -> new Problems.Conflict(g.entitlement() + " is no longer in the policy."));
    long used =
        em.createQuery(
                "select count(r) from AccessRequest r where r.extendsGrantId = :g and r.state in (:p, :a)",
                Long.class)
            .setParameter("g", grantId)
            .setParameter("p", RequestState.PENDING)
            .setParameter("a", RequestState.APPROVED)
            .getSingleResult();
    if (used >= e.maxExtensions()) {
      throw new Problems.Unprocessable(
          "Policy refuses this extension",
          g.entitlement()
              + " allows "
              + e.maxExtensions()
              + " extension(s) per grant; "
              + used
              + " already requested.",
          List.of(new FieldError("grant", "no extensions left")));
    }
    AccessRequest original = em.find(AccessRequest.class, g.requestId());
    return submit(
        caller,
        new Submission(
            List.of(g.entitlement()),
            duration,
            null,
            justification,
            ticket,
            false,
            grantId,
            original == null ? Map.of() : original.inputs()));
  }

  // ------------------------------------------------------------------ cancel, expire

  @Transactional
  public AccessRequest cancel(Caller caller, UUID id) {
    AccessRequest r = lockVisible(caller, id);
    if (!Identities.samePerson(caller, r.owner())) {
      throw new Problems.Forbidden("Only the requester may cancel request " + id + ".");
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    r.cancel(now);
    audit.append(RequestAudit.cancelled(id, caller.subject(), r.policyVersion()));
    return r;
  }

  /**
   * Expires pending requests whose time-to-live has passed (by the database clock), in batches
   * claimed with SKIP LOCKED so that replicas never expire the same request twice.
   *
   * @return how many were expired
   */
  @Transactional
  public int expireDue(int limit) {
    @SuppressWarnings("unchecked")
    List<UUID> due =
        em.createNativeQuery(
                "select id from access_request where state = 'PENDING' and expires_at <= now()"
                    + " order by expires_at limit :n for update skip locked")
            .setParameter("n", limit)
            .getResultList();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    for (UUID id : due) {
      AccessRequest r = em.find(AccessRequest.class, id);
      r.expire(now);
      audit.append(RequestAudit.expired(id, r.expiresAt()));
    }
    return due.size();
  }
}
