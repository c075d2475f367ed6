package io.portcullis.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import java.util.List;
import java.util.regex.Pattern;

/** Helpers shared by the AWS provider tests. */
final class AwsTesting {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AwsTesting() {}

  static IssueRequest.Requester alice() {
    return new IssueRequest.Requester("demo:alice", "Alice", "alice@example.com", List.of("eng"));
  }

  /** The SigV4 Authorization header of a call signed for {@code service} in us-east-1. */
  static String sigV4(String service) {
    return "^AWS4-HMAC-SHA256 Credential="
        + FakeAws.BROKER_KEY
        + "/\\d{8}/"
        + FakeAws.REGION
        + "/"
        + Pattern.quote(service)
        + "/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$";
  }

  /**
   * Loads the SDK once, outside any test's time budget: the first call initialises the SDK's
   * classes, which on a busy machine (make test runs the future-dated track beside the unit tests)
   * can take longer than the clients' timeout. A call that times out is made again, up to three
   * times; the fake answers at once, so only the SDK's first load can be slow.
   */
  static void warmUp(AwsClients clients) throws ProviderException {
    for (int attempt = 1; ; attempt++) {
      try {
        clients.callerIdentity();
        return;
      } catch (ProviderException e) {
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  /** A call that should throw a {@link ProviderException}. */
  interface Call {
    void run() throws Exception;
  }

  static ProviderException thrown(Call c) {
    try {
      c.run();
    } catch (ProviderException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a ProviderException", e);
    }
    throw new AssertionError("no ProviderException was thrown");
  }

  /** Nothing a test can see carries a secret: the canary, nor Portcullis's own credentials. */
  static void assertNoSecret(FakeAws aws, String... texts) {
    for (String t : texts) {
      if (t == null) {
        continue;
      }
      assertThat(t)
          .doesNotContain(FakeAws.CANARY)
          .doesNotContain(aws.brokerSecret)
          .doesNotContain(aws.brokerToken);
    }
  }

  static void assertNoSecret(FakeAws aws, ProviderException e) {
    assertNoSecret(aws, e.getMessage(), String.valueOf(e));
    assertThat(e.getCause()).as("no SDK exception (with its unscrubbed message) attached").isNull();
  }

  static void assertNoSecret(FakeAws aws, Issued issued) throws Exception {
    assertNoSecret(aws, JSON.writeValueAsString(issued.handle()), issued.credential().toString());
  }

  static String form(LoggedRequest r, String name) {
    return r.formParameter(name).isPresent() ? r.formParameter(name).firstValue() : null;
  }
}
