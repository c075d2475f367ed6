package io.portcullis.provider.aws;

import java.time.Duration;
import java.util.Optional;

/** An {@link AwsConfig} for tests, set field by field. */
final class TestAwsConfig implements AwsConfig {

  String region;
  String sts;
  String iam;
  String ssoAdmin;
  String identityStore;
  String s3;
  boolean forcePathStyle;
  Duration timeout = Duration.ofSeconds(8);
  int maxAttempts = 2;
  String instanceArn;
  String identityStoreId;
  String portalUrl;
  CutOff cutOff = CutOff.EARLY;

  TestAwsConfig copy() {
    TestAwsConfig c = new TestAwsConfig();
    c.region = region;
    c.sts = sts;
    c.iam = iam;
    c.ssoAdmin = ssoAdmin;
    c.identityStore = identityStore;
    c.s3 = s3;
    c.forcePathStyle = forcePathStyle;
    c.timeout = timeout;
    c.maxAttempts = maxAttempts;
    c.instanceArn = instanceArn;
    c.identityStoreId = identityStoreId;
    c.portalUrl = portalUrl;
    c.cutOff = cutOff;
    return c;
  }

  @Override
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  @Override
  public Endpoints endpoints() {
    return new Endpoints() {
      @Override
      public Optional<String> sts() {
        return Optional.ofNullable(sts);
      }

      @Override
      public Optional<String> iam() {
        return Optional.ofNullable(iam);
      }

      @Override
      public Optional<String> ssoAdmin() {
        return Optional.ofNullable(ssoAdmin);
      }

      @Override
      public Optional<String> identityStore() {
        return Optional.ofNullable(identityStore);
      }

      @Override
      public Optional<String> s3() {
        return Optional.ofNullable(s3);
      }
    };
  }

  @Override
  public S3 s3() {
    return () -> forcePathStyle;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public int maxAttempts() {
    return maxAttempts;
  }

  @Override
  public IdentityCenter identityCenter() {
    return new IdentityCenter() {
      @Override
      public Optional<String> instanceArn() {
        return Optional.ofNullable(instanceArn);
      }

      @Override
      public Optional<String> identityStoreId() {
        return Optional.ofNullable(identityStoreId);
      }

      @Override
      public Optional<String> portalUrl() {
        return Optional.ofNullable(portalUrl);
      }
    };
  }

  @Override
  public Sts sts() {
    return () -> cutOff;
  }
}
