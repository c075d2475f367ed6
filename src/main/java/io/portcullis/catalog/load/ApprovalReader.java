package io.portcullis.catalog.load;

import io.portcullis.catalog.cel.CelScope;
import io.portcullis.catalog.model.Approval;
import io.portcullis.catalog.model.AutoApproval;
import io.portcullis.catalog.model.Expression;
import io.portcullis.catalog.model.GroupPatterns;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.model.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** Reads an {@code approval} setting and checks that it does not loosen the inherited one. */
final class ApprovalReader {

  private final PrincipalsReader principals;
  private final ExpressionReader expressions;

  ApprovalReader(PrincipalsReader principals, ExpressionReader expressions) {
    this.principals = principals;
    this.expressions = expressions;
  }

  /**
   * The approval rule at {@code node}: auto-approval rules, stages, separation of duties, comments,
   * step-up.
   */
  Approval read(Nodes n, Node node) {
    Map<String, Node> a =
        n.mapping(
            node,
            "approval",
            Set.of("autoApprove", "stages", "separation", "requireComment", "stepUp"));
    List<AutoApproval> auto = new ArrayList<>();
    if (a.containsKey("autoApprove")) {
      Set<String> names = new LinkedHashSet<>();
      for (Node r : n.sequence(a.get("autoApprove"), "autoApprove")) {
        Map<String, Node> rm = n.mapping(r, "auto-approval rule", Set.of("name", "when"));
        String name =
            rm.containsKey("name") ? n.string(rm.get("name"), "rule name").orElse("") : "";
        if (name.isBlank() || !rm.containsKey("when")) {
          n.error(r, "an auto-approval rule needs 'name' and 'when' (CEL)", null);
          continue;
        }
        if (!names.add(name)) {
          n.error(rm.get("name"), "auto-approval rule '" + name + "' appears twice", null);
        }
        Expression expr = expressions.read(n, rm.get("when"), CelScope.REQUEST);
        if (expr != null) {
          auto.add(new AutoApproval(name, expr));
        }
      }
    }
    List<Stage> stages = new ArrayList<>();
    if (a.containsKey("stages")) {
      Set<String> names = new LinkedHashSet<>();
      for (Node s : n.sequence(a.get("stages"), "stages")) {
        Map<String, Node> sm = n.mapping(s, "stage", STAGE_KEYS);
        String name =
            sm.containsKey("name")
                ? n.string(sm.get("name"), "stage name").orElse("")
                : "stage-" + (stages.size() + 1);
        if (!names.add(name)) {
          n.error(s, "stage '" + name + "' appears twice", "give every stage its own name");
        }
        int approvals =
            sm.containsKey("approvals")
                ? n.integer(sm.get("approvals"), "approvals", 1, 50).orElse(1)
                : 1;
        int denials =
            sm.containsKey("denials")
                ? n.integer(sm.get("denials"), "denials", 1, 50).orElse(1)
                : 1;
        if (!sm.containsKey("reviewers")) {
          n.error(s, "stage '" + name + "' has no reviewers", "add reviewers: {groups: [...]}");
          continue;
        }
        Map<String, Node> rm = n.mapping(sm.get("reviewers"), "reviewers", null); // checked below
        Principals reviewers =
            principals.read(
                n,
                sm.get("reviewers"),
                "reviewers",
                PolicyParser.union(PolicyParser.PRINCIPAL_KEYS, Set.of("when")));
        Expression filter =
            rm.containsKey("when") ? expressions.read(n, rm.get("when"), CelScope.REVIEWER) : null;
        if (reviewers.isEmpty()) {
          n.error(
              sm.get("reviewers"),
              "stage '" + name + "' names no reviewers (users, groups or sets)",
              "a 'when' filter narrows reviewers, it does not name them");
          continue;
        }
        if (reviewers.groups().isEmpty()
            && reviewers.sets().isEmpty()
            && reviewers.users().size() < approvals) {
          n.error(
              sm.containsKey("approvals") ? sm.get("approvals") : s,
              "stage '"
                  + name
                  + "' needs "
                  + approvals
                  + " approvals but names only "
                  + reviewers.users().size()
                  + " reviewers",
              "name more reviewers or lower approvals");
        }
        Duration remindAfter =
            sm.containsKey("remindAfter")
                ? n.duration(sm.get("remindAfter"), "stage '" + name + "' remindAfter").orElse(null)
                : null;
        Stage.Escalation escalation =
            sm.containsKey("escalate")
                ? escalation(n, sm.get("escalate"), name, remindAfter)
                : null;
        stages.add(new Stage(name, approvals, denials, reviewers, filter, remindAfter, escalation));
      }
    }
    Set<String> exclude = Set.of();
    if (a.containsKey("separation")) {
      Map<String, Node> sep =
          n.mapping(a.get("separation"), "separation", Set.of("excludeSharedGroups"));
      if (sep.containsKey("excludeSharedGroups")) {
        Node at = sep.get("excludeSharedGroups");
        exclude = n.strings(at, "excludeSharedGroups");
        for (String g : exclude) {
          if (!PolicyParser.GROUP.matcher(g).matches()) {
            n.error(at, "excludeSharedGroups entry '" + g + "' contains spaces or commas", null);
          } else if (g.equals("*")) {
            n.error(
                at,
                "excludeSharedGroups '*' excludes every reviewer who shares any group with the"
                    + " requester",
                "name the team groups, or a pattern such as team-*");
          } else if (!GroupPatterns.isPattern(g)) {
            principals.referToGroup(n, at, g, "separation.excludeSharedGroups");
          }
        }
      }
    }
    boolean comment =
        a.containsKey("requireComment")
            && n.bool(a.get("requireComment"), "requireComment").orElse(false);
    Set<String> acr = Set.of();
    Set<String> amr = Set.of();
    Duration maxAge = null;
    if (a.containsKey("stepUp")) {
      Map<String, Node> su = n.mapping(a.get("stepUp"), "stepUp", Set.of("acr", "amr", "maxAge"));
      if (su.containsKey("acr")) {
        acr = n.strings(su.get("acr"), "stepUp.acr");
      }
      if (su.containsKey("amr")) {
        amr = n.strings(su.get("amr"), "stepUp.amr");
      }
      if (su.containsKey("maxAge")) {
        maxAge = n.duration(su.get("maxAge"), "stepUp.maxAge").orElse(null);
        if (acr.isEmpty() && amr.isEmpty()) {
          n.error(
              su.get("maxAge"),
              "stepUp.maxAge without stepUp.acr or stepUp.amr has nothing to bound",
              "add the acr or amr values that reviewers must sign in with");
          maxAge = null;
        } else if (maxAge != null && maxAge.compareTo(Duration.ofHours(24)) > 0) {
          n.error(
              su.get("maxAge"),
              "stepUp.maxAge " + maxAge + " is longer than a day, so it proves no recent sign-in",
              "use minutes, e.g. PT15M");
          maxAge = null;
        }
      }
    }
    return new Approval(auto, stages, exclude, comment, acr, amr, maxAge);
  }

  /**
   * A stage's {@code escalate: {after, to}}: {@code after} a positive duration later than the
   * stage's {@code remindAfter} (remind first, escalate later), {@code to} the fallback reviewers,
   * naming someone. Null when it is refused (each problem recorded with its line).
   */
  private Stage.Escalation escalation(Nodes n, Node node, String stage, Duration remindAfter) {
    Map<String, Node> m = n.mapping(node, "stage '" + stage + "' escalate", ESCALATE_KEYS);
    if (!(node instanceof MappingNode)) {
      return null; // refused above: not a mapping
    }
    Duration after = null;
    if (!m.containsKey("after")) {
      n.error(
          node,
          "stage '" + stage + "' escalate has no 'after'",
          "say how long the stage may wait, e.g. after: PT24H");
    } else {
      after = n.duration(m.get("after"), "stage '" + stage + "' escalate.after").orElse(null);
      if (after != null && remindAfter != null && after.compareTo(remindAfter) <= 0) {
        n.error(
            m.get("after"),
            "stage '"
                + stage
                + "' escalates after "
                + after
                + ", not later than its reminder (remindAfter "
                + remindAfter
                + ")",
            "remind first, escalate later: make escalate.after longer than remindAfter, or drop"
                + " remindAfter");
        after = null;
      }
    }
    Principals to = null;
    if (!m.containsKey("to")) {
      n.error(
          node,
          "stage '" + stage + "' escalate has no 'to'",
          "name the fallback reviewers: to: {groups: [...], users: [...]}");
    } else {
      to = principals.read(n, m.get("to"), "stage '" + stage + "' escalate.to");
      if (to.isEmpty()) {
        n.error(
            m.get("to"),
            "stage '" + stage + "' escalates to nobody: escalate.to names no users, groups or sets",
            "name the fallback reviewers: to: {groups: [...], users: [...]}");
        to = null;
      }
    }
    return after == null || to == null ? null : new Stage.Escalation(after, to);
  }

  /** The keys of one approval stage. */
  static final Set<String> STAGE_KEYS =
      Set.of("name", "approvals", "denials", "reviewers", "remindAfter", "escalate");

  /** The keys of a stage's {@code escalate}. */
  static final Set<String> ESCALATE_KEYS = Set.of("after", "to");

  /**
   * Refuses an approval rule that is weaker than the inherited one, unless {@code loosen} names it.
   */
  void checkNotLooser(
      Nodes n,
      Node at,
      Approval parent,
      Approval child,
      Set<String> loosen,
      boolean parentIsBuiltIn) {
    if (parentIsBuiltIn || loosen.contains("approval")) {
      return;
    }
    List<String> looser = new ArrayList<>();
    if (child.totalApprovals() < parent.totalApprovals()) {
      looser.add(
          "needs " + child.totalApprovals() + " approvals instead of " + parent.totalApprovals());
    }
    if (parent.autoApprove().isEmpty() && !child.autoApprove().isEmpty()) {
      looser.add("adds auto-approval");
    }
    if (!child.excludeSharedGroups().containsAll(parent.excludeSharedGroups())) {
      looser.add("drops separation of duties");
    }
    if (!parent.stepUpAcr().isEmpty() && child.stepUpAcr().isEmpty()
        || !child.stepUpAmr().containsAll(parent.stepUpAmr())
        || (parent.stepUp() && !child.stepUp())) {
      looser.add("drops step-up");
    } else if (parent.stepUp() && child.stepUpMaxAge().compareTo(parent.stepUpMaxAge()) > 0) {
      looser.add(
          "accepts step-up sign-ins up to "
              + child.stepUpMaxAge()
              + " old instead of "
              + parent.stepUpMaxAge());
    }
    if (escalates(child) && !escalates(parent)) {
      looser.add("lets fallback reviewers decide escalated stages");
    }
    if (parent.commentRequired() && !child.commentRequired()) {
      looser.add("no longer requires a comment");
    }
    if (!looser.isEmpty()) {
      n.error(
          at,
          "approval loosens the inherited rule: " + String.join(", ", looser),
          "keep the inherited strength, or add 'loosen: [approval]'");
    }
  }

  /** Whether any stage of the rule escalates to fallback reviewers. */
  private static boolean escalates(Approval a) {
    return a.stages().stream().anyMatch(s -> s.escalation() != null);
  }
}
