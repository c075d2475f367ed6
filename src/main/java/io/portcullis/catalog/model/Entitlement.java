package io.portcullis.catalog.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An entitlement with every inherited setting resolved (root defaults, environment, system, then
 * the entitlement itself).
 *
 * @param ticketPattern null when any ticket text is accepted
 * @param activationWindow null when activation is allowed at any time
 * @param approvalWindow null when reviews are allowed at any time
 * @param breakGlass who may activate at once without approval (null when break-glass is off)
 * @param eligibleAt where the {@code eligible:} in force for it is written (here, or in the
 *     defaults it inherits)
 * @param parallelGrants whether a person may hold several grants of it at once (otherwise an equal
 *     open request is returned instead of a new one)
 */
public record Entitlement(
    String id,
    String environment,
    String system,
    String description,
    Map<String, String> labels,
    ProviderSpec provider,
    Principals eligible,
    Duration defaultDuration,
    Duration maxDuration,
    boolean ticketRequired,
    Pattern ticketPattern,
    int minJustification,
    Risk risk,
    TimeWindow activationWindow,
    TimeWindow approvalWindow,
    Principals breakGlass,
    Approval approval,
    List<Constraint> constraints,
    List<String> notifyTargets,
    Duration pendingTtl,
    int maxExtensions,
    boolean parallelGrants,
    SourceLocation location,
    SourceLocation eligibleAt) {

  public Entitlement {
    labels = Map.copyOf(labels);
    constraints = List.copyOf(constraints);
    notifyTargets = List.copyOf(notifyTargets);
  }

  public boolean breakGlassAllowed() {
    return breakGlass != null && !breakGlass.isEmpty();
  }
}
