package io.portcullis.request;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a requester asks for, as received (checked by {@link SubmissionChecks}).
 *
 * @param duration ISO-8601 text
 * @param start ISO-8601 date-time with offset, or null for "as soon as approved"
 * @param extendsGrantId the grant this request extends, or null
 * @param inputs values the entitlements' providers need (e.g. an SSH public key), or null
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

  /**
   * The outcome of a submission: the request, and whether it is the caller's open request of the
   * same ask, returned because the same ask came again (nothing new was filed).
   */
  public record Submitted(AccessRequest request, boolean existing) {}
}
