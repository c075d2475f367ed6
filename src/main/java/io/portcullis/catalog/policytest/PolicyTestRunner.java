package io.portcullis.catalog.policytest;

import io.portcullis.catalog.decision.ApprovalPlan;
import io.portcullis.catalog.decision.Decision;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.load.SafeYaml;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.Stage;
import io.portcullis.identity.Caller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Runs policy tests: YAML files of cases, each a hypothetical request (or review) with the decision
 * its author expects. See policies/README.md, "Policy tests".
 */
public final class PolicyTestRunner {

  /** The outcome of one case; {@code failure} is null when it passed. */
  public record CaseResult(String file, String name, String failure) {
    public boolean passed() {
      return failure == null;
    }
  }

  private final PolicyDecisions decisions;

  public PolicyTestRunner(PolicySet policy) {
    this.decisions = new PolicyDecisions(policy);
  }

  /** Runs every {@code *.yaml} in {@code directory}, in name order. */
  public List<CaseResult> runDirectory(Path directory) throws IOException {
    List<CaseResult> results = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files = list.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList();
    }
    for (Path f : files) {
      results.addAll(run(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8)));
    }
    return results;
  }

  /** Runs the cases of one test file. */
  public List<CaseResult> run(String file, String text) {
    List<CaseResult> results = new ArrayList<>();
    List<PolicyIssue> issues = new ArrayList<>();
    Node root = SafeYaml.parse(file, text, issues);
    if (root == null) {
      return List.of(new CaseResult(file, "(file)", issues.toString()));
    }
    Node cases = map(root).get("cases");
    if (!(cases instanceof SequenceNode list)) {
      return List.of(new CaseResult(file, "(file)", "a test file needs a 'cases' list"));
    }
    for (Node c : list.getValue()) {
      Map<String, Node> m = map(c);
      String name = text(m.get("name")).orElse("case at line " + (c.getStartMark().getLine() + 1));
      String failure;
      try {
        failure = runCase(m);
      } catch (IllegalArgumentException e) {
        failure = "bad test case: " + e.getMessage();
      }
      results.add(new CaseResult(file, name, failure));
    }
    return results;
  }

  private String runCase(Map<String, Node> c) {
    Map<String, Node> given = map(required(c, "given"));
    Map<String, Node> expect = map(required(c, "expect"));
    Caller requester = person(map(required(given, "requester")), "requester");
    Map<String, Node> r = map(required(given, "request"));
    List<String> ids = strings(required(r, "entitlements"));
    RequestSpec req =
        new RequestSpec(
            ids,
            duration(text(r.get("duration")).orElse("PT1H")),
            text(r.get("start")).map(PolicyTestRunner::instant).orElse(null),
            text(r.get("justification")).orElse(""),
            text(r.get("ticket")).orElse(null),
            text(r.get("breakGlass")).map(Boolean::parseBoolean).orElse(false));
    Instant at = instant(text(required(given, "at")).orElseThrow());
    List<String> problems = new ArrayList<>();

    if (given.containsKey("reviewer")) {
      Caller reviewer = person(map(given.get("reviewer")), "reviewer");
      String id = ids.get(0);
      Entitlement e =
          decisions
              .policy()
              .entitlement(id)
              .orElseThrow(() -> new IllegalArgumentException("unknown entitlement " + id));
      String stageName =
          text(given.get("stage"))
              .orElse(e.approval().stages().isEmpty() ? "" : e.approval().stages().get(0).name());
      Stage stage =
          e.approval().stages().stream()
              .filter(s -> s.name().equals(stageName))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalArgumentException("no stage '" + stageName + "' in " + id));
      Decision d = decisions.mayReview(e, stage, reviewer, requester, req, at);
      expectBool(expect, "mayReview", d.allowed(), problems);
      expectReasons(expect, d.reasons(), problems);
      return problems.isEmpty() ? null : String.join("; ", problems) + " | reasons: " + d.reasons();
    }

    List<PolicyDecisions.Outcome> outcomes = decisions.decide(requester, req, at);
    boolean allowed = outcomes.stream().allMatch(PolicyDecisions.Outcome::allowed);
    List<String> reasons = outcomes.stream().flatMap(o -> o.reasons().stream()).toList();
    expectBool(expect, "allowed", allowed, problems);
    expectReasons(expect, reasons, problems);
    List<String> autoRules =
        outcomes.stream()
            .map(PolicyDecisions.Outcome::plan)
            .filter(p -> p != null && p.autoApprovedBy() != null)
            .map(ApprovalPlan::autoApprovedBy)
            .toList();
    if (expect.containsKey("autoApproved")) {
      String want = text(expect.get("autoApproved")).orElse("false");
      boolean got = allowed && !autoRules.isEmpty() && autoRules.size() == outcomes.size();
      if (want.equals("true") || want.equals("false")) {
        if (Boolean.parseBoolean(want) != got) {
          problems.add(
              "expected autoApproved "
                  + want
                  + " but was "
                  + got
                  + (autoRules.isEmpty() ? "" : " " + autoRules));
        }
      } else if (!autoRules.contains(want)) {
        problems.add(
            "expected auto-approval by rule '"
                + want
                + "' but "
                + (autoRules.isEmpty() ? "no rule applied" : "got " + autoRules));
      }
    }
    if (expect.containsKey("stages")) {
      List<String> want = strings(expect.get("stages"));
      List<String> got =
          outcomes.stream()
              .map(PolicyDecisions.Outcome::plan)
              .filter(p -> p != null)
              .flatMap(p -> p.stages().stream())
              .map(ApprovalPlan.PlanStage::name)
              .toList();
      if (!want.equals(got)) {
        problems.add("expected stages " + want + " but were " + got);
      }
    }
    return problems.isEmpty() ? null : String.join("; ", problems) + " | reasons: " + reasons;
  }

  private static void expectBool(
      Map<String, Node> expect, String key, boolean got, List<String> problems) {
    if (expect.containsKey(key)) {
      boolean want = Boolean.parseBoolean(text(expect.get(key)).orElse("false"));
      if (want != got) {
        problems.add("expected " + key + " " + want + " but was " + got);
      }
    }
  }

  private static void expectReasons(
      Map<String, Node> expect, List<String> reasons, List<String> problems) {
    if (expect.containsKey("reasons")) {
      for (String want : strings(expect.get("reasons"))) {
        if (reasons.stream().noneMatch(r -> r.contains(want))) {
          problems.add("expected a reason containing '" + want + "'");
        }
      }
    }
  }

  private static Caller person(Map<String, Node> p, String what) {
    String subject = text(required(p, "subject")).orElseThrow();
    Set<String> groups =
        p.containsKey("groups") ? new LinkedHashSet<>(strings(p.get("groups"))) : Set.of();
    Set<String> unknown = new java.util.TreeSet<>(p.keySet());
    unknown.removeAll(PERSON_KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          what
              + " has unknown key(s) "
              + unknown
              + "; known: "
              + new java.util.TreeSet<>(PERSON_KEYS));
    }
    Map<String, Object> claims = new java.util.TreeMap<>();
    if (p.containsKey("claims")) {
      map(p.get("claims")).forEach((k, v) -> claims.put(k, plain(v)));
    }
    return new Caller(
        subject,
        text(p.get("name")).orElse(subject),
        text(p.get("email")).orElse(null),
        // an email identifies someone only when the identity provider verified it: say so
        text(p.get("emailVerified")).map("true"::equals).orElse(false),
        groups,
        new Caller.Authentication(
            "oidc",
            text(p.get("acr")).orElse(null),
            p.containsKey("amr") ? strings(p.get("amr")) : List.of(),
            text(p.get("authTime")).map(PolicyTestRunner::instant).orElse(null)),
        claims);
  }

  private static final Set<String> PERSON_KEYS =
      Set.of(
          "subject",
          "name",
          "email",
          "emailVerified",
          "groups",
          "acr",
          "amr",
          "authTime",
          "claims");

  /** A claim value as policy expressions see it: text, integer, boolean, list or map. */
  private static Object plain(Node n) {
    if (n instanceof SequenceNode s) {
      return s.getValue().stream().map(PolicyTestRunner::plain).toList();
    }
    if (n instanceof MappingNode) {
      Map<String, Object> out = new java.util.TreeMap<>();
      map(n).forEach((k, v) -> out.put(k, plain(v)));
      return out;
    }
    if (n instanceof ScalarNode sc) {
      String tag = sc.getTag().getValue();
      if (tag.endsWith(":bool")) {
        return Boolean.parseBoolean(sc.getValue());
      }
      if (tag.endsWith(":int")) {
        try {
          return Long.parseLong(sc.getValue());
        } catch (NumberFormatException notDecimal) {
          return sc.getValue();
        }
      }
      return sc.getValue();
    }
    return null;
  }

  private static Node required(Map<String, Node> m, String key) {
    Node n = m.get(key);
    if (n == null) {
      throw new IllegalArgumentException("'" + key + "' is missing");
    }
    return n;
  }

  private static Map<String, Node> map(Node n) {
    Map<String, Node> out = new java.util.LinkedHashMap<>();
    if (n instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k) {
          out.put(k.getValue(), t.getValueNode());
        }
      }
      return out;
    }
    throw new IllegalArgumentException(
        "expected a mapping at line " + (n.getStartMark().getLine() + 1));
  }

  private static Optional<String> text(Node n) {
    if (n instanceof ScalarNode s && !s.getTag().getValue().endsWith(":null")) {
      return Optional.of(s.getValue());
    }
    return Optional.empty();
  }

  private static List<String> strings(Node n) {
    if (n instanceof SequenceNode s) {
      return s.getValue().stream().map(x -> text(x).orElse("")).toList();
    }
    return text(n).map(List::of).orElse(List.of());
  }

  private static Duration duration(String s) {
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 duration: " + s);
    }
  }

  private static Instant instant(String s) {
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "not a date-time with offset (2026-11-24T10:00:00+05:30): " + s);
    }
  }

  /** A fixed-width table of results, failures with their reason. */
  public static String table(List<CaseResult> results) {
    int wFile = Math.max(4, results.stream().mapToInt(r -> r.file().length()).max().orElse(4));
    int wName =
        Math.max(
            4, Math.min(70, results.stream().mapToInt(r -> r.name().length()).max().orElse(4)));
    StringBuilder sb = new StringBuilder();
    String fmt = "%-6s %-" + wFile + "s  %-" + wName + "s  %s%n";
    sb.append(String.format(fmt, "RESULT", "FILE", "CASE", "WHY"));
    for (CaseResult r : results) {
      String name = r.name().length() > wName ? r.name().substring(0, wName - 1) + "…" : r.name();
      sb.append(
          String.format(
              fmt, r.passed() ? "PASS" : "FAIL", r.file(), name, r.passed() ? "" : r.failure()));
    }
    long failed = results.stream().filter(r -> !r.passed()).count();
    sb.append(String.format("%n%d passed, %d failed%n", results.size() - failed, failed));
    return sb.toString();
  }
}
