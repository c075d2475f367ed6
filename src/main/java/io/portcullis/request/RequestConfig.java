package io.portcullis.request;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Limits of access requests that policy does not set. */
@ConfigMapping(prefix = "portcullis.requests")
public interface RequestConfig {

  /** How far ahead a request may ask its access to start. */
  @WithDefault("P30D")
  Duration maxStartHorizon();

  /** Longest justification accepted, in characters. */
  @WithDefault("4000")
  int maxJustification();

  /** Most entitlements in one request. */
  @WithDefault("10")
  int maxEntitlements();

  /** Deadline of the after-the-fact review of a break-glass activation. */
  @WithDefault("P1D")
  Duration breakGlassReviewWithin();

  /**
   * How long after its due date an unreviewed break-glass follow-up is escalated automatically
   * (once), to the entitlements' reviewers of every stage, their notify targets and the security
   * contacts. The job runs every {@code portcullis.requests.break-glass-escalation-interval}.
   */
  @WithDefault("PT0S")
  Duration breakGlassEscalateAfter();

  /** How often the escalation job looks for overdue follow-ups (a scheduler period, e.g. 60s). */
  @WithDefault("60s")
  String breakGlassEscalationInterval();

  /**
   * How often the stage reminder job looks for approval stages waiting past their {@code
   * remindAfter} or {@code escalate.after} (a scheduler period, e.g. 60s; {@code off} stops it).
   */
  @WithDefault("60s")
  String stageReminderInterval();

  /**
   * How many pending requests one call of the to-review listing examines at most before it returns
   * a partial page with a cursor; bounds the work of a single call.
   */
  @WithDefault("1000")
  int toReviewScan();

  /** Who hears about every break-glass activation besides the approvers. */
  @WithDefault("security@example.com")
  List<String> securityContacts();
}
