package io.portcullis.provider.aws;

import io.portcullis.testing.TestClock;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link FakeAws} for a {@code @QuarkusTest}: every service's endpoint points at it, and the
 * SDK's default credentials chain finds Portcullis's own (fake) session credentials in the standard
 * system properties, as it would find them in the environment in production.
 */
public class FakeAwsResource implements QuarkusTestResourceLifecycleManager {

  private static volatile FakeAws aws;

  /** STS answers AccessDenied with a canary in the message, detail and request id. */
  public static void denyStsWithCanary() {
    aws.deniedWithCanary(aws.sts);
  }

  public static void healthy() {
    aws.healthy();
  }

  @Override
  public Map<String, String> start() {
    aws = FakeAws.start(new TestClock()); // the application's clock: a test that pins it, pins AWS
    System.setProperty("aws.accessKeyId", FakeAws.BROKER_KEY);
    System.setProperty("aws.secretAccessKey", aws.brokerSecret);
    System.setProperty("aws.sessionToken", aws.brokerToken);
    Map<String, String> c = new LinkedHashMap<>();
    c.put("portcullis.aws.region", FakeAws.REGION);
    c.put("portcullis.aws.endpoints.sts", aws.sts.baseUrl());
    c.put("portcullis.aws.endpoints.iam", aws.iam.baseUrl());
    c.put("portcullis.aws.endpoints.sso-admin", aws.sso.baseUrl());
    c.put("portcullis.aws.endpoints.identity-store", aws.ids.baseUrl());
    c.put("portcullis.aws.identity-center.instance-arn", FakeAws.INSTANCE_ARN);
    c.put("portcullis.aws.identity-center.identity-store-id", FakeAws.STORE_ID);
    c.put("portcullis.aws.timeout", "PT4S");
    return c;
  }

  @Override
  public void stop() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    System.clearProperty("aws.sessionToken");
    if (aws != null) {
      aws.close();
    }
  }
}
