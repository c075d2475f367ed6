package io.portcullis.provider.aws;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.AccountAssignmentOperationStatus;
import software.amazon.awssdk.services.ssoadmin.model.CreateAccountAssignmentRequest;
import software.amazon.awssdk.services.ssoadmin.model.DeleteAccountAssignmentRequest;
import software.amazon.awssdk.services.ssoadmin.model.DescribeAccountAssignmentCreationStatusRequest;
import software.amazon.awssdk.services.ssoadmin.model.DescribeAccountAssignmentDeletionStatusRequest;
import software.amazon.awssdk.services.ssoadmin.model.PrincipalType;
import software.amazon.awssdk.services.ssoadmin.model.StatusValues;
import software.amazon.awssdk.services.ssoadmin.model.TargetType;

/**
 * IAM Identity Center's asynchronous calls: retrying throttled and conflicting calls with a growing
 * pause, and waiting for account-assignment operations to finish, with what went wrong in words.
 */
final class IdentityCenterCalls {

  static final Duration FIRST_PAUSE = Duration.ofMillis(250);
  static final Duration LONGEST_PAUSE = Duration.ofSeconds(2);

  private final AwsClients clients;

  IdentityCenterCalls(AwsClients clients) {
    this.clients = clients;
  }

  /** An account assignment: a permission set in an AWS account, assigned to a user. */
  record Assignment(
      String instanceArn, String accountId, String permissionSetArn, String principalId) {}

  /**
   * Creates ({@code creation}) or deletes an account assignment, retrying as {@link #retrying}
   * does, and waits for the operation to finish ({@link #await}).
   *
   * @param notFound thrown when AWS says ResourceNotFoundException, or null to report AWS's own
   *     words
   * @return the operation's final status: SUCCEEDED or FAILED
   */
  AccountAssignmentOperationStatus assignment(
      SsoAdminClient sso,
      Assignment a,
      boolean creation,
      String target,
      Deadline d,
      ProviderException notFound)
      throws ProviderException {
    AccountAssignmentOperationStatus status =
        creation
            ? retrying(
                d,
                "sso:CreateAccountAssignment",
                target,
                notFound,
                () ->
                    sso.createAccountAssignment(
                            CreateAccountAssignmentRequest.builder()
                                .instanceArn(a.instanceArn())
                                .targetId(a.accountId())
                                .targetType(TargetType.AWS_ACCOUNT)
                                .permissionSetArn(a.permissionSetArn())
                                .principalType(PrincipalType.USER)
                                .principalId(a.principalId())
                                .overrideConfiguration(d.override())
                                .build())
                        .accountAssignmentCreationStatus())
            : retrying(
                d,
                "sso:DeleteAccountAssignment",
                target,
                notFound,
                () ->
                    sso.deleteAccountAssignment(
                            DeleteAccountAssignmentRequest.builder()
                                .instanceArn(a.instanceArn())
                                .targetId(a.accountId())
                                .targetType(TargetType.AWS_ACCOUNT)
                                .permissionSetArn(a.permissionSetArn())
                                .principalType(PrincipalType.USER)
                                .principalId(a.principalId())
                                .overrideConfiguration(d.override())
                                .build())
                        .accountAssignmentDeletionStatus());
    return await(sso, a.instanceArn(), status, creation, target, d, notFound);
  }

  /** Polls an assignment operation until it is no longer IN_PROGRESS, within the budget. */
  AccountAssignmentOperationStatus await(
      SsoAdminClient sso,
      String instanceArn,
      AccountAssignmentOperationStatus status,
      boolean creation,
      String target,
      Deadline d,
      ProviderException notFound)
      throws ProviderException {
    String operation = creation ? "creation" : "deletion";
    if (status == null) {
      throw new ProviderException(
          Kind.TRANSIENT,
          "IAM Identity Center answered the assignment " + operation + " without a status");
    }
    Duration pause = FIRST_PAUSE;
    while (status.status() != StatusValues.SUCCEEDED && status.status() != StatusValues.FAILED) {
      String requestId = status.requestId();
      if (requestId == null) {
        throw new ProviderException(
            Kind.TRANSIENT,
            "IAM Identity Center answered the assignment " + operation + " without a request id");
      }
      if (d.remaining().compareTo(pause.plusMillis(100)) < 0) {
        throw new ProviderException(
            Kind.TIMEOUT,
            "the assignment "
                + operation
                + " of "
                + target
                + " was still "
                + status.statusAsString()
                + " after "
                + d.total()
                + " (request "
                + requestId
                + "); the next attempt repeats it");
      }
      d.sleep(pause, "waiting for the assignment " + operation);
      pause =
          pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0
              ? LONGEST_PAUSE
              : pause.multipliedBy(2);
      status =
          creation
              ? retrying(
                  d,
                  "sso:DescribeAccountAssignmentCreationStatus",
                  target,
                  notFound,
                  () ->
                      sso.describeAccountAssignmentCreationStatus(
                              DescribeAccountAssignmentCreationStatusRequest.builder()
                                  .instanceArn(instanceArn)
                                  .accountAssignmentCreationRequestId(requestId)
                                  .overrideConfiguration(d.override())
                                  .build())
                          .accountAssignmentCreationStatus())
              : retrying(
                  d,
                  "sso:DescribeAccountAssignmentDeletionStatus",
                  target,
                  notFound,
                  () ->
                      sso.describeAccountAssignmentDeletionStatus(
                              DescribeAccountAssignmentDeletionStatusRequest.builder()
                                  .instanceArn(instanceArn)
                                  .accountAssignmentDeletionRequestId(requestId)
                                  .overrideConfiguration(d.override())
                                  .build())
                          .accountAssignmentDeletionStatus());
      if (status == null) {
        throw new ProviderException(
            Kind.TRANSIENT,
            "IAM Identity Center answered the " + operation + " status without a status");
      }
    }
    return status;
  }

  String reason(AccountAssignmentOperationStatus status) {
    String why = status.failureReason();
    return why == null || why.isBlank() ? "no reason given" : clients.scrub(why);
  }

  /** An AWS call. */
  @FunctionalInterface
  interface Call<T> {
    T run();
  }

  /**
   * Runs a call, retrying ConflictException and throttling with backoff while the budget lasts.
   *
   * @param notFound thrown instead when AWS says ResourceNotFoundException, or null to report AWS's
   *     own words
   */
  <T> T retrying(Deadline d, String call, String target, ProviderException notFound, Call<T> op)
      throws ProviderException {
    Duration pause = Duration.ofMillis(200);
    ProviderException last = null;
    while (true) {
      try {
        return op.run();
      } catch (SdkException e) {
        String code = AwsClients.code(e);
        if (notFound != null && "ResourceNotFoundException".equals(code)) {
          throw notFound;
        }
        ProviderException failure = clients.failure(call, target, e, deniedHint(call));
        if (failure.kind() == Kind.TIMEOUT && last != null) {
          throw last; // ran out of time while AWS kept us waiting: report why
        }
        boolean again = failure.kind() == Kind.THROTTLED || "ConflictException".equals(code);
        if (!again || d.remaining().compareTo(pause.plusMillis(100)) < 0) {
          throw failure;
        }
        last = failure;
        long jittered =
            pause.toMillis() / 2 + ThreadLocalRandom.current().nextLong(pause.toMillis() / 2 + 1);
        d.sleep(Duration.ofMillis(jittered), call);
        pause =
            pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0
                ? LONGEST_PAUSE
                : pause.multipliedBy(2);
      }
    }
  }

  static String deniedHint(String call) {
    if (call.startsWith("identitystore:")) {
      return "allow identitystore:GetUserId on the identity store to Portcullis's AWS principal";
    }
    if (call.contains("Creation") || call.contains("CreateAccountAssignment")) {
      return "allow sso:CreateAccountAssignment and sso:DescribeAccountAssignmentCreationStatus on"
          + " the instance, the permission set and the account to Portcullis's AWS principal (the"
          + " first assignment of a permission set in an account also provisions its role there,"
          + " which needs the IAM permissions listed in the documentation)";
    }
    if (call.contains("Deletion") || call.contains("DeleteAccountAssignment")) {
      return "allow sso:DeleteAccountAssignment and sso:DescribeAccountAssignmentDeletionStatus on"
          + " the instance, the permission set and the account to Portcullis's AWS principal";
    }
    return "allow "
        + call
        + " on the instance and the permission set to Portcullis's AWS principal";
  }

  static String human(Duration d) {
    long minutes = d.toMinutes();
    if (minutes % 60 == 0) {
      return (minutes / 60) + " h";
    }
    return minutes >= 60 ? (minutes / 60) + " h " + (minutes % 60) + " min" : minutes + " min";
  }
}
