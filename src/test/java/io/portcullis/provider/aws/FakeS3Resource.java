package io.portcullis.provider.aws;

import io.portcullis.testing.TestClock;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link FakeS3} for a {@code @QuarkusTest}: the audit archive points at it (path-style) with
 * bucket {@link FakeS3#BUCKET}. Use it with {@link FakeAwsResource}, which sets the region, the
 * other AWS endpoints and Portcullis's own (fake) credentials in the SDK's standard system
 * properties, as the environment would in production.
 */
public class FakeS3Resource implements QuarkusTestResourceLifecycleManager {

  static volatile FakeS3 s3;

  @Override
  public Map<String, String> start() {
    s3 = FakeS3.start(new TestClock()); // the application's clock, pinned when a test pins it
    Map<String, String> c = new LinkedHashMap<>();
    c.put("portcullis.aws.region", FakeAws.REGION);
    c.put("portcullis.aws.endpoints.s3", s3.server.baseUrl());
    c.put("portcullis.aws.s3.force-path-style", "true");
    c.put("portcullis.audit.archive.s3.bucket", FakeS3.BUCKET);
    return c;
  }

  /** AccessDenied, echoing the session token the SDK signed with (FakeAwsResource's). */
  static void denied() {
    s3.echoedToken = System.getProperty("aws.sessionToken", s3.brokerToken);
    s3.denied();
  }

  @Override
  public void stop() {
    if (s3 != null) {
      s3.close();
    }
  }
}
