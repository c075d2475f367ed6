package io.portcullis.catalog.load;

import io.portcullis.catalog.cel.CelScope;
import io.portcullis.catalog.model.Approval;
import io.portcullis.catalog.model.Constraint;
import io.portcullis.catalog.model.Expression;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.model.Risk;
import io.portcullis.catalog.model.TimeWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the settings at one level of a policy (a file's, environment's or system's {@code
 * defaults}, or an entitlement) and merges them over the inherited ones, refusing any that loosens
 * them unless {@code loosen} names it.
 */
final class SettingsReader {

  private final PrincipalsReader principals;
  private final ApprovalReader approvals;
  private final ExpressionReader expressions;

  SettingsReader(
      PrincipalsReader principals, ApprovalReader approvals, ExpressionReader expressions) {
    this.principals = principals;
    this.approvals = approvals;
    this.expressions = expressions;
  }

  /** Reads the settings at one level and merges them over {@code parent}, refusing loosening. */
  Settings read(Nodes n, Node node, Settings parent, String what, Set<String> allowed) {
    Map<String, Node> m = n.mapping(node, what, allowed);
    Set<String> loosen = m.containsKey("loosen") ? n.strings(m.get("loosen"), "loosen") : Set.of();
    for (String l : loosen) {
      if (!PolicyParser.SETTING_KEYS.contains(l) || l.equals("loosen")) {
        n.error(
            m.get("loosen"),
            "loosen names an unknown setting '" + l + "'",
            Nodes.suggest(l, PolicyParser.SETTING_KEYS));
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
          WindowReader.read(
              n, m.get("activationWindow"), "activationWindow", parent.activationWindow(), loosen);
    }
    TimeWindow approvalWindow = parent.approvalWindow();
    if (m.containsKey("approvalWindow")) {
      approvalWindow =
          WindowReader.read(
              n, m.get("approvalWindow"), "approvalWindow", parent.approvalWindow(), loosen);
    }
    Principals eligible =
        m.containsKey("eligible")
            ? principals.read(n, m.get("eligible"), "eligible")
            : parent.eligible();
    io.portcullis.catalog.model.SourceLocation eligibleAt =
        m.containsKey("eligible") ? n.at(m.get("eligible")) : parent.eligibleAt();
    Principals breakGlass = parent.breakGlass();
    if (m.containsKey("breakGlass")) {
      Principals bg = principals.read(n, m.get("breakGlass"), "breakGlass");
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
      approval = approvals.read(n, m.get("approval"));
      approvals.checkNotLooser(
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
        Expression expr = expressions.read(n, cm.get("when"), CelScope.REQUEST);
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
        eligibleAt,
        breakGlass,
        approval,
        constraints,
        notify,
        pendingTtl,
        maxExtensions,
        parallelGrants);
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
}
