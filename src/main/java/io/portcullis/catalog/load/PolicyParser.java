package io.portcullis.catalog.load;

import io.portcullis.catalog.cel.CelEngine;
import io.portcullis.catalog.cel.CelScope;
import io.portcullis.catalog.model.Approval;
import io.portcullis.catalog.model.AutoApproval;
import io.portcullis.catalog.model.Constraint;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.Expression;
import io.portcullis.catalog.model.GroupPatterns;
import io.portcullis.catalog.model.PrincipalSet;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.model.ProviderSpec;
import io.portcullis.catalog.model.Risk;
import io.portcullis.catalog.model.SourceLocation;
import io.portcullis.catalog.model.Stage;
import io.portcullis.catalog.model.TimeWindow;
import io.portcullis.provider.builtin.BuiltInKinds;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Turns policy documents (schemaVersion 1) into entitlements with every inherited setting resolved.
 * Collects every problem instead of stopping at the first. See policies/README.md.
 */
final class PolicyParser {

  static final Set<String> ROOT_KEYS =
      Set.of("schemaVersion", "knownGroups", "defaults", "principalSets", "environments");
  static final Set<String> SETTING_KEYS =
      Set.of(
          "maxDuration",
          "defaultDuration",
          "ticket",
          "justification",
          "risk",
          "activationWindow",
          "approvalWindow",
          "eligible",
          "breakGlass",
          "approval",
          "constraints",
          "notify",
          "pendingTtl",
          "maxExtensions",
          "parallelGrants",
          "loosen");
  static final Set<String> ENVIRONMENT_KEYS = Set.of("description", "defaults", "systems");
  static final Set<String> SYSTEM_KEYS = Set.of("description", "defaults", "entitlements");
  static final Set<String> ENTITLEMENT_KEYS =
      union(SETTING_KEYS, Set.of("description", "labels", "provider"));
  static final Set<String> PRINCIPAL_KEYS = Set.of("users", "groups", "sets", "until");
  static final Set<String> PROVIDER_KINDS = BuiltInKinds.ALL.names();
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  static final Pattern GROUP = Pattern.compile("[^\\s,]{1,200}");

  private final CelEngine cel;
  private final List<PolicyIssue> issues;

  /** Entitlements by id, with where each was first defined. */
  final Map<String, Entitlement> entitlements = new LinkedHashMap<>();

  final Map<String, PrincipalSet> principalSets = new LinkedHashMap<>();
  private final List<Runnable> setChecks = new ArrayList<>();

  /** The groups the policy declares as existing (names or patterns), from every file. */
  final Set<String> knownGroups = new LinkedHashSet<>();

  /** Where each group is named, to check against {@link #knownGroups} once every file is read. */
  private record GroupRef(Nodes n, Node at, String group, String what) {}

  private final List<GroupRef> groupRefs = new ArrayList<>();

  /** What loaded but deserves attention. */
  final List<String> warnings = new ArrayList<>();

  PolicyParser(CelEngine cel, List<PolicyIssue> issues) {
    this.cel = cel;
    this.issues = issues;
  }

  /** The settings that inherit, each null when not set at a level. */
  record Settings(
      Duration maxDuration,
      Duration defaultDuration,
      Boolean ticketRequired,
      Pattern ticketPattern,
      Integer minJustification,
      Risk risk,
      TimeWindow activationWindow,
      TimeWindow approvalWindow,
      Principals eligible,
      Principals breakGlass,
      Approval approval,
      List<Constraint> constraints,
      List<String> notifyTargets,
      Duration pendingTtl,
      Integer maxExtensions,
      boolean parallelGrants) {

    static final Settings BUILT_IN =
        new Settings(
            Duration.ofHours(8),
            Duration.ofHours(1),
            false,
            null,
            0,
            Risk.LOW,
            null,
            null,
            Principals.NOBODY,
            null,
            Approval.NONE,
            List.of(),
            List.of(),
            Duration.ofHours(24),
            null,
            false);
  }

  /** Parses one file's root node into the shared collections. */
  void parseFile(Nodes n, Node root) {
    Map<String, Node> top = n.mapping(root, "the policy document", ROOT_KEYS);
    Node version = top.get("schemaVersion");
    if (version == null) {
      n.error(root, "schemaVersion is missing", "add 'schemaVersion: 1' at the top");
      return;
    }
    if (n.integer(version, "schemaVersion", 1, 1).isEmpty()) {
      return;
    }
    if (top.containsKey("knownGroups")) {
      Node at = top.get("knownGroups");
      for (String g : n.strings(at, "knownGroups")) {
        if (!GROUP.matcher(g).matches()) {
          n.error(at, "known group '" + g + "' contains spaces or commas", null);
        } else if (g.equals("*")) {
          n.error(
              at,
              "knownGroups '*' would make every group known, so no misspelt group is caught",
              "list the groups your identity provider sends, or patterns such as team-*");
        } else {
          knownGroups.add(g);
        }
      }
    }
    if (top.containsKey("principalSets")) {
      n.idMapping(top.get("principalSets"), "principalSets")
          .forEach(
              (name, node) -> {
                if (!ID.matcher(name).matches()) {
                  n.error(node, "principal set name '" + name + "' is not a valid id", idHint());
                  return;
                }
                if (principalSets.containsKey(name)) {
                  n.error(
                      node,
                      "principal set '" + name + "' is defined twice",
                      "first at " + principalSets.get(name).location());
                  return;
                }
                principalSets.put(
                    name,
                    new PrincipalSet(
                        name, principals(n, node, "principal set " + name), n.at(node)));
              });
    }
    Settings rootSettings =
        top.containsKey("defaults")
            ? settings(n, top.get("defaults"), Settings.BUILT_IN, "defaults", SETTING_KEYS)
            : Settings.BUILT_IN;
    if (!top.containsKey("environments")) {
      return;
    }
    n.idMapping(top.get("environments"), "environments")
        .forEach(
            (envName, envNode) -> {
              if (!ID.matcher(envName).matches()) {
                n.error(envNode, "environment name '" + envName + "' is not a valid id", idHint());
                return;
              }
              Map<String, Node> env =
                  n.mapping(envNode, "environment " + envName, ENVIRONMENT_KEYS);
              Settings envSettings =
                  env.containsKey("defaults")
                      ? settings(
                          n,
                          env.get("defaults"),
                          rootSettings,
                          "defaults of " + envName,
                          SETTING_KEYS)
                      : rootSettings;
              if (!env.containsKey("systems")) {
                return;
              }
              n.idMapping(env.get("systems"), "systems of " + envName)
                  .forEach((sysName, sysNode) -> system(n, envName, sysName, sysNode, envSettings));
            });
  }

  private void system(Nodes n, String env, String name, Node node, Settings inherited) {
    if (!ID.matcher(name).matches()) {
      n.error(node, "system name '" + name + "' is not a valid id", idHint());
      return;
    }
    Map<String, Node> sys = n.mapping(node, "system " + name, SYSTEM_KEYS);
    Settings settings =
        sys.containsKey("defaults")
            ? settings(n, sys.get("defaults"), inherited, "defaults of " + name, SETTING_KEYS)
            : inherited;
    if (!sys.containsKey("entitlements")) {
      return;
    }
    n.idMapping(sys.get("entitlements"), "entitlements of " + name)
        .forEach((id, eNode) -> entitlement(n, env, name, id, eNode, settings));
  }

  private void entitlement(
      Nodes n, String env, String system, String id, Node node, Settings inherited) {
    if (!ID.matcher(id).matches()) {
      n.error(node, "entitlement id '" + id + "' is not a valid id", idHint());
      return;
    }
    if (entitlements.containsKey(id)) {
      n.error(
          node,
          "entitlement '" + id + "' is defined twice",
          "first at " + entitlements.get(id).location() + "; ids are unique across all files");
      return;
    }
    int before = issues.size();
    Map<String, Node> e = n.mapping(node, "entitlement " + id, null); // keys checked by settings()
    Settings s = settings(n, node, inherited, "entitlement " + id, ENTITLEMENT_KEYS);
    String description =
        e.containsKey("description")
            ? n.string(e.get("description"), "description").orElse("")
            : "";
    Map<String, String> labels = new LinkedHashMap<>();
    if (e.containsKey("labels")) {
      n.idMapping(e.get("labels"), "labels")
          .forEach((k, v) -> n.string(v, "label " + k).ifPresent(val -> labels.put(k, val)));
    }
    ProviderSpec provider = null;
    if (!e.containsKey("provider")) {
      n.error(
          node,
          "entitlement '" + id + "' has no provider",
          "add provider: {kind: noop} for a dry run, or a real provider kind: "
              + String.join(", ", PROVIDER_KINDS.stream().sorted().toList()));
    } else {
      provider = provider(n, e.get("provider"));
    }
    if (s.defaultDuration().compareTo(s.maxDuration()) > 0) {
      n.error(
          node,
          "defaultDuration "
              + s.defaultDuration()
              + " is longer than maxDuration "
              + s.maxDuration(),
          "lower defaultDuration or raise maxDuration");
    }
    if (s.eligible().isEmpty()) {
      n.error(
          node,
          "nobody is eligible to request '" + id + "'",
          "add eligible: {groups: [...]} here or in defaults");
    }
    if (s.approval().stages().isEmpty() && s.approval().autoApprove().isEmpty()) {
      n.error(
          node,
          "'" + id + "' can never be approved: no approval stages and no auto-approval",
          "add approval.stages");
    }
    if (issues.size() > before || provider == null) {
      return;
    }
    entitlements.put(
        id,
        new Entitlement(
            id,
            env,
            system,
            description,
            labels,
            provider,
            s.eligible(),
            s.defaultDuration(),
            s.maxDuration(),
            s.ticketRequired(),
            s.ticketPattern(),
            s.minJustification(),
            s.risk(),
            s.activationWindow(),
            s.approvalWindow(),
            s.breakGlass(),
            s.approval(),
            s.constraints(),
            s.notifyTargets(),
            s.pendingTtl(),
            s.maxExtensions() == null ? 0 : s.maxExtensions(),
            s.parallelGrants(),
            n.at(node)));
  }

  private ProviderSpec provider(Nodes n, Node node) {
    return ProviderSpecs.read(n, node, BuiltInKinds.ALL);
  }

  /** Reads the settings at one level and merges them over {@code parent}, refusing loosening. */
  private Settings settings(Nodes n, Node node, Settings parent, String what, Set<String> allowed) {
    Map<String, Node> m = n.mapping(node, what, allowed);
    Set<String> loosen = m.containsKey("loosen") ? n.strings(m.get("loosen"), "loosen") : Set.of();
    for (String l : loosen) {
      if (!SETTING_KEYS.contains(l) || l.equals("loosen")) {
        n.error(
            m.get("loosen"),
            "loosen names an unknown setting '" + l + "'",
            Nodes.suggest(l, SETTING_KEYS));
      }
    }
    Duration maxDuration = parent.maxDuration();
    if (m.containsKey("maxDuration")) {
      Node v = m.get("maxDuration");
      Duration d = n.duration(v, "maxDuration").orElse(maxDuration);
      if (d.compareTo(parent.maxDuration()) > 0 && !loosen.contains("maxDuration")) {
        n.error(
            v,
            "maxDuration " + d + " loosens the inherited " + parent.maxDuration(),
            "lower it, or add 'loosen: [maxDuration]' to make it deliberate");
      }
      maxDuration = d;
    }
    Duration defaultDuration = parent.defaultDuration();
    if (m.containsKey("defaultDuration")) {
      defaultDuration =
          n.duration(m.get("defaultDuration"), "defaultDuration").orElse(defaultDuration);
    } else if (defaultDuration.compareTo(maxDuration) > 0) {
      defaultDuration = maxDuration;
    }
    Boolean ticketRequired = parent.ticketRequired();
    Pattern ticketPattern = parent.ticketPattern();
    if (m.containsKey("ticket")) {
      Map<String, Node> t = n.mapping(m.get("ticket"), "ticket", Set.of("required", "pattern"));
      if (t.containsKey("required")) {
        boolean req = n.bool(t.get("required"), "ticket.required").orElse(ticketRequired);
        if (parent.ticketRequired() && !req && !loosen.contains("ticket")) {
          n.error(
              t.get("required"),
              "ticket.required: false loosens the inherited requirement",
              "remove it, or add 'loosen: [ticket]'");
        }
        ticketRequired = req;
      }
      if (t.containsKey("pattern")) {
        ticketPattern = pattern(n, t.get("pattern")).orElse(ticketPattern);
      }
    }
    Integer minJustification = parent.minJustification();
    if (m.containsKey("justification")) {
      Map<String, Node> j = n.mapping(m.get("justification"), "justification", Set.of("minLength"));
      if (j.containsKey("minLength")) {
        int min =
            n.integer(j.get("minLength"), "justification.minLength", 0, 2000)
                .orElse(minJustification);
        if (min < parent.minJustification() && !loosen.contains("justification")) {
          n.error(
              j.get("minLength"),
              "justification.minLength "
                  + min
                  + " loosens the inherited "
                  + parent.minJustification(),
              "raise it, or add 'loosen: [justification]'");
        }
        minJustification = min;
      }
    }
    Risk risk = parent.risk();
    if (m.containsKey("risk")) {
      Node v = m.get("risk");
      String r = n.string(v, "risk").orElse("").toUpperCase(Locale.ROOT);
      try {
        Risk parsed = Risk.valueOf(r);
        if (parsed.compareTo(parent.risk()) < 0 && !loosen.contains("risk")) {
          n.error(
              v,
              "risk "
                  + parsed.name().toLowerCase(Locale.ROOT)
                  + " lowers the inherited "
                  + parent.risk().name().toLowerCase(Locale.ROOT),
              "raise it, or add 'loosen: [risk]'");
        }
        risk = parsed;
      } catch (IllegalArgumentException e) {
        n.error(
            v,
            "risk must be low, medium, high or critical, got '" + r.toLowerCase(Locale.ROOT) + "'",
            null);
      }
    }
    TimeWindow activationWindow = parent.activationWindow();
    if (m.containsKey("activationWindow")) {
      activationWindow =
          window(
              n, m.get("activationWindow"), "activationWindow", parent.activationWindow(), loosen);
    }
    TimeWindow approvalWindow = parent.approvalWindow();
    if (m.containsKey("approvalWindow")) {
      approvalWindow =
          window(n, m.get("approvalWindow"), "approvalWindow", parent.approvalWindow(), loosen);
    }
    Principals eligible =
        m.containsKey("eligible")
            ? principals(n, m.get("eligible"), "eligible")
            : parent.eligible();
    Principals breakGlass = parent.breakGlass();
    if (m.containsKey("breakGlass")) {
      Principals bg = principals(n, m.get("breakGlass"), "breakGlass");
      if (parent.breakGlass() != null
          && parent.breakGlass().isEmpty()
          && !bg.isEmpty()
          && !loosen.contains("breakGlass")) {
        n.error(
            m.get("breakGlass"),
            "breakGlass loosens the inherited settings, which turn break-glass off",
            "add 'loosen: [breakGlass]' to make it deliberate");
      }
      breakGlass = bg;
    }
    Approval approval = parent.approval();
    if (m.containsKey("approval")) {
      approval = approval(n, m.get("approval"));
      checkApprovalNotLooser(
          n,
          m.get("approval"),
          parent.approval(),
          approval,
          loosen,
          parent.approval() == Approval.NONE);
    }
    List<Constraint> constraints = new ArrayList<>(parent.constraints());
    if (m.containsKey("constraints")) {
      for (Node c : n.sequence(m.get("constraints"), "constraints")) {
        Map<String, Node> cm = n.mapping(c, "constraint", Set.of("when", "message"));
        if (!cm.containsKey("when") || !cm.containsKey("message")) {
          n.error(c, "a constraint needs 'when' (CEL) and 'message'", null);
          continue;
        }
        Expression expr = expression(n, cm.get("when"), CelScope.REQUEST);
        String message = n.string(cm.get("message"), "constraint message").orElse("");
        if (expr != null) {
          constraints.add(new Constraint(expr, message));
        }
      }
    }
    List<String> notify = new ArrayList<>(parent.notifyTargets());
    if (m.containsKey("notify")) {
      for (String t : n.strings(m.get("notify"), "notify")) {
        if (!notify.contains(t)) {
          notify.add(t);
        }
      }
    }
    Duration pendingTtl =
        m.containsKey("pendingTtl")
            ? n.duration(m.get("pendingTtl"), "pendingTtl").orElse(parent.pendingTtl())
            : parent.pendingTtl();
    Integer maxExtensions = parent.maxExtensions();
    if (m.containsKey("maxExtensions")) {
      int me =
          n.integer(m.get("maxExtensions"), "maxExtensions", 0, 100)
              .orElse(maxExtensions == null ? 0 : maxExtensions);
      if (parent.maxExtensions() != null
          && me > parent.maxExtensions()
          && !loosen.contains("maxExtensions")) {
        n.error(
            m.get("maxExtensions"),
            "maxExtensions " + me + " loosens the inherited " + parent.maxExtensions(),
            "lower it, or add 'loosen: [maxExtensions]'");
      }
      maxExtensions = me;
    }
    boolean parallelGrants =
        m.containsKey("parallelGrants")
            ? n.bool(m.get("parallelGrants"), "parallelGrants").orElse(parent.parallelGrants())
            : parent.parallelGrants();
    return new Settings(
        maxDuration,
        defaultDuration,
        ticketRequired,
        ticketPattern,
        minJustification,
        risk,
        activationWindow,
        approvalWindow,
        eligible,
        breakGlass,
        approval,
        constraints,
        notify,
        pendingTtl,
        maxExtensions,
        parallelGrants);
  }

  private void checkApprovalNotLooser(
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

  private Approval approval(Nodes n, Node node) {
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
        Expression expr = expression(n, rm.get("when"), CelScope.REQUEST);
        if (expr != null) {
          auto.add(new AutoApproval(name, expr));
        }
      }
    }
    List<Stage> stages = new ArrayList<>();
    if (a.containsKey("stages")) {
      Set<String> names = new LinkedHashSet<>();
      for (Node s : n.sequence(a.get("stages"), "stages")) {
        Map<String, Node> sm =
            n.mapping(s, "stage", Set.of("name", "approvals", "denials", "reviewers"));
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
            principals(n, sm.get("reviewers"), "reviewers", union(PRINCIPAL_KEYS, Set.of("when")));
        Expression filter =
            rm.containsKey("when") ? expression(n, rm.get("when"), CelScope.REVIEWER) : null;
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
        stages.add(new Stage(name, approvals, denials, reviewers, filter));
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
          if (!GROUP.matcher(g).matches()) {
            n.error(at, "excludeSharedGroups entry '" + g + "' contains spaces or commas", null);
          } else if (g.equals("*")) {
            n.error(
                at,
                "excludeSharedGroups '*' excludes every reviewer who shares any group with the"
                    + " requester",
                "name the team groups, or a pattern such as team-*");
          } else if (!GroupPatterns.isPattern(g)) {
            groupRefs.add(new GroupRef(n, at, g, "separation.excludeSharedGroups"));
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

  private Principals principals(Nodes n, Node node, String what) {
    return principals(n, node, what, PRINCIPAL_KEYS);
  }

  private Principals principals(Nodes n, Node node, String what, Set<String> allowed) {
    Map<String, Node> p = n.mapping(node, what, allowed);
    Set<String> users =
        p.containsKey("users") ? n.strings(p.get("users"), what + ".users") : Set.of();
    Set<String> groups =
        p.containsKey("groups") ? n.strings(p.get("groups"), what + ".groups") : Set.of();
    for (String g : groups) {
      if (!GROUP.matcher(g).matches()) {
        n.error(p.get("groups"), "group name '" + g + "' contains spaces or commas", null);
      } else if (GroupPatterns.isPattern(g)) {
        n.error(
            p.get("groups"),
            "group name '" + g + "' contains '*': people are named by exact group names",
            "patterns are for knownGroups and separation.excludeSharedGroups");
      } else {
        groupRefs.add(new GroupRef(n, p.get("groups"), g, what));
      }
    }
    Set<String> sets = p.containsKey("sets") ? n.strings(p.get("sets"), what + ".sets") : Set.of();
    if (!sets.isEmpty()) {
      Node at = p.get("sets");
      setChecks.add(
          () -> {
            for (String s : sets) {
              if (!principalSets.containsKey(s)) {
                n.error(
                    at,
                    "unknown principal set '" + s + "'",
                    principalSets.isEmpty()
                        ? "define it under principalSets"
                        : Nodes.suggest(s, principalSets.keySet()));
              }
            }
          });
    }
    LocalDate until =
        p.containsKey("until") ? n.date(p.get("until"), what + ".until").orElse(null) : null;
    return new Principals(users, groups, sets, until);
  }

  private TimeWindow window(
      Nodes n, Node node, String what, TimeWindow parent, Set<String> loosen) {
    Map<String, Node> w = n.mapping(node, what, Set.of("days", "from", "to", "timeZone"));
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    if (w.containsKey("days")) {
      for (String d : n.strings(w.get("days"), what + ".days")) {
        DayOfWeek day = day(d);
        if (day == null) {
          n.error(
              w.get("days"),
              "'" + d + "' is not a day of the week",
              "use MON, TUE, WED, THU, FRI, SAT, SUN");
        } else {
          days.add(day);
        }
      }
    } else {
      days = EnumSet.allOf(DayOfWeek.class);
    }
    LocalTime from =
        w.containsKey("from")
            ? n.time(w.get("from"), what + ".from").orElse(LocalTime.MIN)
            : LocalTime.MIN;
    LocalTime to =
        w.containsKey("to")
            ? n.time(w.get("to"), what + ".to").orElse(LocalTime.MAX)
            : LocalTime.MAX;
    if (!w.containsKey("timeZone")) {
      n.error(
          node,
          what + ".timeZone is missing",
          "name the zone whose business hours apply, e.g. Asia/Kolkata");
      return parent;
    }
    ZoneId zone = n.zone(w.get("timeZone"), what + ".timeZone").orElse(ZoneId.of("UTC"));
    if (!from.isBefore(to)) {
      n.error(node, what + ": 'from' " + from + " must be before 'to' " + to, null);
    }
    TimeWindow window = new TimeWindow(days, from, to, zone);
    if (parent != null && !loosen.contains(what)) {
      boolean within =
          parent.days().containsAll(days)
              && parent.zone().equals(zone)
              && !from.isBefore(parent.from())
              && !to.isAfter(parent.to());
      if (!within) {
        n.error(
            node,
            what + " " + window.describe() + " is not within the inherited " + parent.describe(),
            "narrow it, or add 'loosen: [" + what + "]'");
      }
    }
    return window;
  }

  private static DayOfWeek day(String d) {
    String u = d.trim().toUpperCase(Locale.ROOT);
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.name().equals(u) || day.name().substring(0, 3).equals(u)) {
        return day;
      }
    }
    return null;
  }

  private java.util.Optional<Pattern> pattern(Nodes n, Node node) {
    java.util.Optional<String> p = n.string(node, "ticket.pattern");
    if (p.isEmpty()) {
      return java.util.Optional.empty();
    }
    if (p.get().length() > 200) {
      n.error(node, "ticket.pattern is longer than 200 characters", null);
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(Pattern.compile(p.get()));
    } catch (PatternSyntaxException e) {
      n.error(
          node,
          "ticket.pattern is not a regular expression: " + e.getDescription(),
          "for example ^(INC|CHG)-[0-9]+$");
      return java.util.Optional.empty();
    }
  }

  private Expression expression(Nodes n, Node node, CelScope scope) {
    java.util.Optional<String> src = n.string(node, "CEL expression");
    if (src.isEmpty()) {
      return null;
    }
    SourceLocation at = n.at(node);
    if (src.get().length() > PolicyLimits.MAX_EXPRESSION_CHARS) {
      n.error(
          node,
          "CEL expression is longer than " + PolicyLimits.MAX_EXPRESSION_CHARS + " characters",
          "split the rule");
      return null;
    }
    CelEngine.Compiled result = cel.compile(src.get(), scope);
    if (result.error() != null) {
      n.error(node, "CEL: " + result.error(), result.hint());
      return null;
    }
    return new Expression(src.get(), result.cel(), at);
  }

  /** Checks that need every file first (references to principal sets). */
  void finish() {
    setChecks.forEach(Runnable::run);
    refuseSetCycles();
    checkKnownGroups();
  }

  /**
   * With {@code knownGroups} declared, every group the policy names must be one of them (a misspelt
   * group would leave requests waiting for reviewers who do not exist). Without, the policy loads
   * with a warning: Portcullis cannot know every group of the identity provider.
   */
  private void checkKnownGroups() {
    if (knownGroups.isEmpty()) {
      Set<String> named = new java.util.TreeSet<>();
      groupRefs.forEach(r -> named.add(r.group()));
      if (!named.isEmpty()) {
        warnings.add(
            "knownGroups is not declared, so the groups this policy names ("
                + String.join(", ", named)
                + ") cannot be checked: a misspelt or retired group leaves requests waiting for"
                + " reviewers who do not exist. Declare knownGroups at the top of a policy file.");
      }
      return;
    }
    for (GroupRef r : groupRefs) {
      if (!GroupPatterns.anyMatches(knownGroups, r.group())) {
        r.n()
            .error(
                r.at(),
                r.what() + " names group '" + r.group() + "', which is not in knownGroups",
                Nodes.suggest(r.group(), knownGroups)
                    + "; or add it to knownGroups if the identity provider sends it");
      }
    }
  }

  /**
   * Principal sets may name other sets, but never themselves, directly or through others: a cycle
   * would make membership undecidable (and its evaluation endless).
   */
  private void refuseSetCycles() {
    Set<String> done = new LinkedHashSet<>();
    for (String start : principalSets.keySet()) {
      List<String> path = new ArrayList<>();
      findCycle(start, path, new LinkedHashSet<>(), done);
    }
  }

  private void findCycle(String set, List<String> path, Set<String> onPath, Set<String> done) {
    if (done.contains(set) || !principalSets.containsKey(set)) {
      return;
    }
    if (onPath.contains(set)) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(set), path.size()));
      cycle.add(set);
      PrincipalSet first = principalSets.get(set);
      issues.add(
          new PolicyIssue(
              first.location(),
              "principal sets name each other in a cycle: " + String.join(" -> ", cycle),
              "a set may include other sets, but never itself through them; remove one of the"
                  + " 'sets' entries"));
      // report each cycle once: everything on it is done
      done.addAll(cycle);
      return;
    }
    onPath.add(set);
    path.add(set);
    for (String inner : new java.util.TreeSet<>(principalSets.get(set).members().sets())) {
      findCycle(inner, path, onPath, done);
    }
    path.remove(path.size() - 1);
    onPath.remove(set);
    done.add(set);
  }

  private static String idHint() {
    return "ids are lower case letters, digits and '-', up to 63 characters";
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return Set.copyOf(out);
  }
}
