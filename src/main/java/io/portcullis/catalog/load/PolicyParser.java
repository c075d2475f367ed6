package io.portcullis.catalog.load;

import io.portcullis.catalog.cel.CelEngine;
import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PrincipalSet;
import io.portcullis.catalog.model.ProviderSpec;
import io.portcullis.catalog.model.Stage;
import io.portcullis.provider.builtin.BuiltInKinds;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Turns policy documents (schemaVersion 1) into entitlements with every inherited setting resolved.
 * Collects every problem instead of stopping at the first. See policies/README.md.
 */
final class PolicyParser {

  static final Set<String> ROOT_KEYS =
      Set.of(
          "schemaVersion",
          "knownGroups",
          "defaults",
          "principalSets",
          "environments",
          "accessReviews");
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

  private final List<PolicyIssue> issues;
  private final PrincipalsReader principals;
  private final SettingsReader settings;
  private final AccessReviewsReader reviews;

  /** Entitlements by id, with where each was first defined. */
  final Map<String, Entitlement> entitlements = new LinkedHashMap<>();

  /** Principal sets by name, from every file. */
  final Map<String, PrincipalSet> principalSets;

  /** Access-review campaign definitions by id, from every file. */
  final Map<String, AccessReview> accessReviews;

  /** The groups the policy declares as existing (names or patterns), from every file. */
  final Set<String> knownGroups;

  /** What loaded but deserves attention. */
  final List<String> warnings;

  PolicyParser(CelEngine cel, List<PolicyIssue> issues) {
    this.issues = issues;
    this.principals = new PrincipalsReader(issues);
    ExpressionReader expressions = new ExpressionReader(cel);
    this.settings =
        new SettingsReader(principals, new ApprovalReader(principals, expressions), expressions);
    this.reviews = new AccessReviewsReader(issues, principals);
    this.accessReviews = reviews.reviews;
    this.principalSets = principals.principalSets;
    this.knownGroups = principals.knownGroups;
    this.warnings = principals.warnings;
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
      principals.knownGroups(n, top.get("knownGroups"));
    }
    if (top.containsKey("principalSets")) {
      principals.principalSets(n, top.get("principalSets"));
    }
    if (top.containsKey("accessReviews")) {
      reviews.read(n, top.get("accessReviews"));
    }
    Settings rootSettings =
        top.containsKey("defaults")
            ? settings.read(n, top.get("defaults"), Settings.BUILT_IN, "defaults", SETTING_KEYS)
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
                      ? settings.read(
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
    Settings here =
        sys.containsKey("defaults")
            ? settings.read(n, sys.get("defaults"), inherited, "defaults of " + name, SETTING_KEYS)
            : inherited;
    if (!sys.containsKey("entitlements")) {
      return;
    }
    n.idMapping(sys.get("entitlements"), "entitlements of " + name)
        .forEach((id, eNode) -> entitlement(n, env, name, id, eNode, here));
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
    Map<String, Node> e =
        n.mapping(node, "entitlement " + id, null); // keys checked by settings.read()
    Settings s = settings.read(n, node, inherited, "entitlement " + id, ENTITLEMENT_KEYS);
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
    neverDue(n, node, id, s);
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
            n.at(node),
            s.eligibleAt()));
  }

  /**
   * Refuses a stage reminder or escalation that could never happen: one that waits as long as the
   * entitlement's requests live ({@code pendingTtl}), or longer.
   */
  private static void neverDue(Nodes n, Node node, String id, Settings s) {
    for (Stage st : s.approval().stages()) {
      if (st.remindAfter() != null && st.remindAfter().compareTo(s.pendingTtl()) >= 0) {
        n.error(
            node,
            "stage '"
                + st.name()
                + "' of '"
                + id
                + "' reminds after "
                + st.remindAfter()
                + ", but its requests expire after "
                + s.pendingTtl()
                + " (pendingTtl): nobody would ever be reminded",
            "shorten remindAfter or raise pendingTtl");
      }
      if (st.escalation() != null && st.escalation().after().compareTo(s.pendingTtl()) >= 0) {
        n.error(
            node,
            "stage '"
                + st.name()
                + "' of '"
                + id
                + "' escalates after "
                + st.escalation().after()
                + ", but its requests expire after "
                + s.pendingTtl()
                + " (pendingTtl): it would never escalate",
            "shorten escalate.after or raise pendingTtl");
      }
    }
  }

  private ProviderSpec provider(Nodes n, Node node) {
    return ProviderSpecs.read(n, node, BuiltInKinds.ALL);
  }

  /** Checks that need every file first (references to principal sets, set cycles, known groups). */
  void finish() {
    principals.finish();
    reviews.finish(entitlements, principalSets.keySet());
  }

  static String idHint() {
    return "ids are lower case letters, digits and '-', up to 63 characters";
  }

  static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return Set.copyOf(out);
  }
}
