package io.portcullis.catalog.load;

import io.portcullis.catalog.model.Approval;
import io.portcullis.catalog.model.Constraint;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.model.Risk;
import io.portcullis.catalog.model.SourceLocation;
import io.portcullis.catalog.model.TimeWindow;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The settings that inherit from a file's defaults to its environments, systems and entitlements,
 * each null when not set at a level.
 */
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
    SourceLocation eligibleAt,
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
          null,
          Approval.NONE,
          List.of(),
          List.of(),
          Duration.ofHours(24),
          null,
          false);
}
