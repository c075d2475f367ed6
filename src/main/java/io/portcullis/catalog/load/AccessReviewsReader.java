package io.portcullis.catalog.load;

import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.AccessReview.NonResponse;
import io.portcullis.catalog.model.AccessReview.ReviewerRule;
import io.portcullis.catalog.model.AccessReview.SecondStage;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.model.ReviewScope;
import io.portcullis.catalog.model.ReviewThresholds;
import io.portcullis.catalog.model.Risk;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.quartz.CronExpression;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads {@code accessReviews:}, the access-review campaign definitions, and once every file is read
 * checks what their scopes name against the entitlements and principal sets that exist. See
 * policies/README.md, "Access reviews".
 */
final class AccessReviewsReader {

  static final Set<String> CAMPAIGN_KEYS =
      Set.of(
          "description",
          "scope",
          "cadence",
          "timeZone",
          "reviewers",
          "due",
          "reminders",
          "onNoResponse",
          "secondStage",
          "signOff",
          "recommend");
  static final Set<String> SCOPE_KEYS =
      Set.of("environments", "systems", "entitlements", "risk", "principalSets");
  static final Set<String> REVIEWER_KEYS = Set.of("users", "groups", "sets", "fallback");
  static final Set<String> PEOPLE_KEYS = Set.of("users", "groups", "sets");
  static final Set<String> STAGE_KEYS = Set.of("reviewers", "due");
  static final Set<String> RECOMMEND_KEYS =
      Set.of(
          "dormantAfter",
          "standingShare",
          "renewalChain",
          "chainGap",
          "approverConcentration",
          "concentrationMinimum",
          "untilWarning");
  private static final Map<String, NonResponse> NON_RESPONSES =
      Map.of(
          "keep", NonResponse.KEEP,
          "remove", NonResponse.REMOVE,
          "recommendation", NonResponse.FOLLOW_RECOMMENDATION);

  private final List<PolicyIssue> issues;
  private final PrincipalsReader principals;

  /** Campaign definitions by id, from every file. */
  final Map<String, AccessReview> reviews = new LinkedHashMap<>();

  private record ScopeRef(Nodes n, Node at, String id, ReviewScope scope) {}

  private final List<ScopeRef> scopeRefs = new ArrayList<>();

  AccessReviewsReader(List<PolicyIssue> issues, PrincipalsReader principals) {
    this.issues = issues;
    this.principals = principals;
  }

  /** Reads a file's {@code accessReviews}. */
  void read(Nodes n, Node at) {
    n.idMapping(at, "accessReviews").forEach((id, node) -> campaign(n, id, node));
  }

  private void campaign(Nodes n, String id, Node node) {
    if (!PolicyParser.ID.matcher(id).matches()) {
      n.error(node, "access review id '" + id + "' is not a valid id", PolicyParser.idHint());
      return;
    }
    if (reviews.containsKey(id)) {
      n.error(
          node,
          "access review '" + id + "' is defined twice",
          "first at " + reviews.get(id).location() + "; ids are unique across all files");
      return;
    }
    int before = issues.size();
    String what = "access review " + id;
    Map<String, Node> m = n.mapping(node, what, CAMPAIGN_KEYS);
    String description =
        m.containsKey("description")
            ? n.string(m.get("description"), "description").orElse("")
            : "";
    ReviewScope scope =
        m.containsKey("scope") ? scope(n, m.get("scope"), what) : ReviewScope.EVERYTHING;
    scopeRefs.add(new ScopeRef(n, m.getOrDefault("scope", node), id, scope));
    String cron =
        required(n, node, m, "cadence", what, "write cadence: quarterly, semiannual or a cron")
            .map(c -> cadence(n, c))
            .orElse(null);
    ZoneId zone =
        m.containsKey("timeZone")
            ? n.zone(m.get("timeZone"), "timeZone").orElse(null)
            : ZoneOffset.UTC;
    ReviewerRule reviewers =
        required(n, node, m, "reviewers", what, "add reviewers: {fallback: {groups: [...]}}")
            .map(r -> reviewers(n, r, what))
            .orElse(null);
    Duration due =
        required(n, node, m, "due", what, "add due: P14D (how long reviewers have)")
            .flatMap(d -> n.duration(d, what + ".due"))
            .orElse(null);
    List<Duration> reminders =
        m.containsKey("reminders") ? reminders(n, m.get("reminders"), what, due) : List.of();
    NonResponse onNoResponse =
        required(
                n,
                node,
                m,
                "onNoResponse",
                what,
                "say what happens to undecided items: onNoResponse: keep, remove or recommendation")
            .flatMap(v -> nonResponse(n, v, what))
            .orElse(null);
    Optional<SecondStage> second =
        m.containsKey("secondStage")
            ? Optional.ofNullable(secondStage(n, m.get("secondStage"), what))
            : Optional.empty();
    Principals signOff =
        required(
                n,
                node,
                m,
                "signOff",
                what,
                "name who signs the campaign off: signOff: {users: [...]}")
            .map(s -> people(n, s, what + ".signOff"))
            .orElse(null);
    ReviewThresholds thresholds =
        m.containsKey("recommend")
            ? thresholds(n, m.get("recommend"), what + ".recommend")
            : ReviewThresholds.DEFAULTS;
    if (issues.size() > before) {
      return;
    }
    AccessReview review =
        new AccessReview(
            id,
            description,
            scope,
            cron,
            zone,
            reviewers,
            due,
            reminders,
            onNoResponse,
            second,
            signOff,
            thresholds,
            n.at(node));
    reviews.put(id, review);
  }

  private Optional<Node> required(
      Nodes n, Node at, Map<String, Node> m, String key, String what, String hint) {
    if (!m.containsKey(key)) {
      n.error(at, what + " has no " + key, hint);
      return Optional.empty();
    }
    return Optional.of(m.get(key));
  }

  private ReviewScope scope(Nodes n, Node node, String what) {
    Map<String, Node> s = n.mapping(node, what + ".scope", SCOPE_KEYS);
    Function<String, Set<String>> ids =
        k -> s.containsKey(k) ? n.strings(s.get(k), what + ".scope." + k) : Set.of();
    Set<Risk> risks = new LinkedHashSet<>();
    for (String r : ids.apply("risk")) {
      try {
        risks.add(Risk.valueOf(r.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        n.error(
            s.get("risk"),
            what + ".scope.risk '" + r + "' is not a risk level",
            "use low, medium, high or critical");
      }
    }
    return new ReviewScope(
        ids.apply("environments"),
        ids.apply("systems"),
        ids.apply("entitlements"),
        risks,
        ids.apply("principalSets"));
  }

  private String cadence(Nodes n, Node node) {
    String c = n.string(node, "cadence").orElse("").trim();
    if (c.equalsIgnoreCase("quarterly")) {
      return AccessReview.QUARTERLY;
    }
    if (c.equalsIgnoreCase("semiannual")) {
      return AccessReview.SEMIANNUAL;
    }
    if (!CronExpression.isValidExpression(c)) {
      n.error(
          node,
          "cadence '" + c + "' is neither quarterly, semiannual nor a valid cron expression",
          "write quarterly, semiannual, or a Quartz cron with seconds first, e.g. '0 0 6 1 1,4,7,10 ?'");
      return null;
    }
    return c;
  }

  private ReviewerRule reviewers(Nodes n, Node node, String what) {
    Map<String, Node> r = n.mapping(node, what + ".reviewers", REVIEWER_KEYS);
    Principals named = principals.read(n, r, what + ".reviewers");
    if (!r.containsKey("fallback")) {
      n.error(
          node,
          what + ".reviewers has no fallback",
          "add fallback: {groups: [...]}: it takes items no other reviewer may decide");
      return null;
    }
    Principals fallback = people(n, r.get("fallback"), what + ".reviewers.fallback");
    return new ReviewerRule(
        named.isEmpty() ? ReviewerRule.Source.LAST_STAGE_APPROVERS : ReviewerRule.Source.NAMED,
        named,
        fallback);
  }

  private Principals people(Nodes n, Node node, String what) {
    Principals p = principals.read(n, node, what, PEOPLE_KEYS);
    if (p.isEmpty()) {
      n.error(node, what + " names nobody", "add users, groups or sets");
    }
    return p;
  }

  private List<Duration> reminders(Nodes n, Node node, String what, Duration due) {
    List<Duration> out = new ArrayList<>();
    for (Node item : n.sequence(node, what + ".reminders")) {
      n.duration(item, what + ".reminders item")
          .ifPresent(
              d -> {
                if (due != null && d.compareTo(due) >= 0) {
                  n.error(
                      item,
                      "reminder " + d + " before the deadline is not shorter than due " + due,
                      "reminders say how long before the deadline to remind, e.g. P7D, P1D");
                } else {
                  out.add(d);
                }
              });
    }
    out.sort(Comparator.reverseOrder());
    return List.copyOf(new LinkedHashSet<>(out));
  }

  private Optional<NonResponse> nonResponse(Nodes n, Node node, String what) {
    String v = n.string(node, "onNoResponse").orElse("");
    NonResponse r = NON_RESPONSES.get(v.trim().toLowerCase(Locale.ROOT));
    if (r == null) {
      n.error(
          node,
          what + ".onNoResponse '" + v + "' is not keep, remove or recommendation",
          "choose keep (undecided access stays), remove, or recommendation");
    }
    return Optional.ofNullable(r);
  }

  private SecondStage secondStage(Nodes n, Node node, String what) {
    Map<String, Node> s = n.mapping(node, what + ".secondStage", STAGE_KEYS);
    if (!s.containsKey("reviewers") || !s.containsKey("due")) {
      n.error(node, what + ".secondStage needs reviewers and due", "add both, or drop secondStage");
      return null;
    }
    Principals reviewers = people(n, s.get("reviewers"), what + ".secondStage.reviewers");
    return n.duration(s.get("due"), what + ".secondStage.due")
        .map(d -> new SecondStage(reviewers, d))
        .orElse(null);
  }

  private ReviewThresholds thresholds(Nodes n, Node node, String what) {
    Map<String, Node> r = n.mapping(node, what, RECOMMEND_KEYS);
    ReviewThresholds d = ReviewThresholds.DEFAULTS;
    return new ReviewThresholds(
        r.containsKey("dormantAfter")
            ? n.duration(r.get("dormantAfter"), what + ".dormantAfter").orElse(d.dormantAfter())
            : d.dormantAfter(),
        share(n, r, "standingShare", what, d.standingShare()),
        r.containsKey("renewalChain")
            ? n.integer(r.get("renewalChain"), what + ".renewalChain", 2, 1000)
                .orElse(d.renewalChain())
            : d.renewalChain(),
        r.containsKey("chainGap")
            ? n.duration(r.get("chainGap"), what + ".chainGap").orElse(d.chainGap())
            : d.chainGap(),
        share(n, r, "approverConcentration", what, d.approverConcentration()),
        r.containsKey("concentrationMinimum")
            ? n.integer(r.get("concentrationMinimum"), what + ".concentrationMinimum", 1, 100000)
                .orElse(d.concentrationMinimum())
            : d.concentrationMinimum(),
        r.containsKey("untilWarning")
            ? n.duration(r.get("untilWarning"), what + ".untilWarning").orElse(d.untilWarning())
            : d.untilWarning());
  }

  private static double share(
      Nodes n, Map<String, Node> r, String key, String what, double fallback) {
    if (!r.containsKey(key)) {
      return fallback;
    }
    String v = n.string(r.get(key), what + "." + key).orElse("");
    try {
      double d = Double.parseDouble(v.trim());
      if (d > 0 && d <= 1) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    n.error(
        r.get(key),
        what + "." + key + " must be a share above 0 and at most 1, got '" + v + "'",
        "for example 0.8 for 80 %");
    return fallback;
  }

  /**
   * Checks each campaign's scope against what every file defines: names that exist, and a scope
   * that covers at least one entitlement.
   */
  void finish(Map<String, Entitlement> entitlements, Set<String> principalSets) {
    Set<String> envs = new LinkedHashSet<>();
    Set<String> systems = new LinkedHashSet<>();
    entitlements
        .values()
        .forEach(
            e -> {
              envs.add(e.environment());
              systems.add(e.system());
            });
    for (ScopeRef ref : scopeRefs) {
      String what = "access review " + ref.id() + ".scope";
      unknown(ref, ref.scope().environments(), envs, what + ".environments", "environment");
      unknown(ref, ref.scope().systems(), systems, what + ".systems", "system");
      unknown(
          ref,
          ref.scope().entitlements(),
          entitlements.keySet(),
          what + ".entitlements",
          "entitlement");
      unknown(
          ref,
          ref.scope().principalSets(),
          principalSets,
          what + ".principalSets",
          "principal set");
      if (entitlements.values().stream().noneMatch(ref.scope()::covers)) {
        ref.n()
            .error(
                ref.at(),
                "access review '" + ref.id() + "' covers no entitlement",
                "widen its scope; an empty campaign would certify nothing");
      }
    }
  }

  private void unknown(
      ScopeRef ref, Set<String> named, Set<String> known, String what, String kind) {
    for (String name : named) {
      if (!known.contains(name)) {
        ref.n()
            .error(
                ref.at(),
                what + " names " + kind + " '" + name + "', which no policy file defines",
                Nodes.suggest(name, known));
      }
    }
  }
}
