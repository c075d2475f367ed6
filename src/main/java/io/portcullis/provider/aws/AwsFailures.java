package io.portcullis.provider.aws;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * AWS errors as provider failures: the kind (transient, permanent, not found, timed out), AWS's
 * code and message scrubbed of secrets, and a hint an operator can act on.
 */
final class AwsFailures {

  private static final Set<String> CREDENTIAL_CODES =
      Set.of(
          "InvalidClientTokenId",
          "UnrecognizedClientException",
          "SignatureDoesNotMatch",
          "InvalidSignatureException",
          "MissingAuthenticationToken",
          "IncompleteSignature",
          "AuthFailure",
          "InvalidAccessKeyId");

  private static final Set<String> DENIED_CODES =
      Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation");

  private static final Set<String> THROTTLING_CODES =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "RequestThrottled",
          "RequestThrottledException",
          "SlowDown");

  /** Codes worth another attempt later although AWS answered 4xx. */
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "ExpiredToken",
          "ExpiredTokenException",
          "RequestExpired",
          "RequestTimeTooSkewed",
          "ConflictException",
          "ConcurrentModification",
          "EntityTemporarilyUnmodifiable",
          "IDPCommunicationError",
          "InternalFailure",
          "InternalError",
          "ServiceFailure",
          "ServiceUnavailable",
          "ServiceUnavailableException",
          "InternalServerException",
          "RequestTimeout",
          "PriorRequestNotComplete");

  private final AwsClients clients;

  AwsFailures(AwsClients clients) {
    this.clients = clients;
  }

  /** Like {@link #failure(String, String, SdkException, String, Kind)}, without a hint. */
  ProviderException failure(String call, String target, SdkException e) {
    return failure(call, target, e, null, Kind.TRANSIENT);
  }

  ProviderException failure(String call, String target, SdkException e, String deniedHint) {
    return failure(call, target, e, deniedHint, Kind.TRANSIENT);
  }

  /**
   * An SDK exception as a provider exception whose message says what to do and holds no secret:
   * AWS's error code and message (scrubbed of secret shapes and of Portcullis's own credentials),
   * never the request, never the SDK exception itself.
   *
   * @param call the IAM action, e.g. {@code sts:AssumeRole}
   * @param target what it was called on, e.g. the role ARN
   * @param deniedHint appended when access is denied: which permission to grant where
   * @param noCredentials the kind when the default chain found no credentials at all
   */
  ProviderException failure(
      String call, String target, SdkException e, String deniedHint, Kind noCredentials) {
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return new ProviderException(
          Kind.TIMEOUT,
          call + " on " + target + " got no answer from AWS within " + clients.config().timeout());
    }
    if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
      return new ProviderException(Kind.TIMEOUT, call + " on " + target + " was interrupted");
    }
    if (e instanceof AwsServiceException s) {
      return serviceFailure(call, target, s, deniedHint);
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof SdkClientException && message.contains("Unable to load credentials")) {
      // The SDK lists why each source of the chain failed after " : [".
      int reasons = message.indexOf(" : [");
      String why = reasons < 0 ? message : message.substring(reasons + 4);
      return new ProviderException(
          noCredentials,
          "no AWS credentials for "
              + call
              + " in the SDK default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
              + " AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, AWS_PROFILE, container or"
              + " instance role): "
              + clients.scrub(why));
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String cause =
        root == e
            ? clients.scrub(message)
            : root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + clients.scrub(root.getMessage()));
    return new ProviderException(
        Kind.TRANSIENT, call + " on " + target + " could not reach AWS: " + cause);
  }

  private ProviderException serviceFailure(
      String call, String target, AwsServiceException s, String deniedHint) {
    AwsErrorDetails details = s.awsErrorDetails();
    String code = details == null || details.errorCode() == null ? "" : details.errorCode();
    String awsMessage =
        details == null || details.errorMessage() == null
            ? ""
            : clients.scrub(details.errorMessage());
    int status = s.statusCode();
    String said =
        " (AWS said "
            + (code.isEmpty() ? "HTTP " + status : code)
            + (awsMessage.isEmpty() ? "" : ": " + awsMessage)
            + ")";
    if (s.isThrottlingException() || THROTTLING_CODES.contains(code) || status == 429) {
      return new ProviderException(
          Kind.THROTTLED, "AWS throttled " + call + " on " + target + said, null, null);
    }
    if (CREDENTIAL_CODES.contains(code)) {
      return new ProviderException(
          Kind.PERMANENT,
          "AWS rejected the credentials Portcullis took from the SDK default chain (environment,"
              + " web identity, profile, container or instance role) on "
              + call
              + said);
    }
    if (DENIED_CODES.contains(code)) {
      return new ProviderException(
          Kind.PERMANENT,
          call
              + " on "
              + target
              + " was denied: "
              + (deniedHint == null
                  ? "allow " + call + " on it to Portcullis's AWS principal"
                  : deniedHint)
              + said);
    }
    if (status >= 500 || TRANSIENT_CODES.contains(code)) {
      return new ProviderException(
          Kind.TRANSIENT, call + " on " + target + " failed at AWS, HTTP " + status + said);
    }
    return new ProviderException(Kind.PERMANENT, "AWS refused " + call + " on " + target + said);
  }

  /** The AWS error code of an exception, or "". */
  static String code(SdkException e) {
    if (e instanceof AwsServiceException s
        && s.awsErrorDetails() != null
        && s.awsErrorDetails().errorCode() != null) {
      return s.awsErrorDetails().errorCode();
    }
    return "";
  }

  /** AWS's message of a service exception, scrubbed, or "". */
  String awsMessage(SdkException e) {
    if (e instanceof AwsServiceException s
        && s.awsErrorDetails() != null
        && s.awsErrorDetails().errorMessage() != null) {
      return clients.scrub(s.awsErrorDetails().errorMessage());
    }
    return "";
  }

  static ProviderException permanent(String message) {
    return new ProviderException(Kind.PERMANENT, message);
  }
}
