package io.portcullis.provider.aws;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Deployment configuration of the AWS providers ({@code aws-sts}, {@code aws-identity-center},
 * {@code aws-iam-group}) and of the S3 audit archive; environment variables {@code
 * PORTCULLIS_AWS_*}. Credentials are never configured here: they come from the AWS SDK's default
 * chain (environment, system properties, web identity / IRSA, profile, container, instance
 * metadata).
 */
@ConfigMapping(prefix = "portcullis.aws")
public interface AwsConfig {

  /**
   * The region of STS, IAM Identity Center and the Identity Store, e.g. {@code eu-west-1} (IAM is
   * global and signed for its partition's home region). Unset turns the AWS providers off.
   */
  Optional<String> region();

  /** Endpoint overrides, e.g. VPC endpoints; unset uses the SDK's regional endpoints. */
  Endpoints endpoints();

  /**
   * Time budget of one provider operation (issue, revoke, check): every AWS call in it, SDK retries
   * and Identity Center status polling included, ends within it. Keep it below the grant engine's
   * {@code portcullis.grants.provider-timeout} (10 s).
   */
  @WithDefault("PT8S")
  Duration timeout();

  /**
   * Attempts the SDK makes per AWS call (1 = no SDK retry). The grant engine retries failed
   * activations and revocations with its own backoff, so keep this small.
   */
  @WithDefault("2")
  int maxAttempts();

  /** IAM Identity Center, for {@code aws-identity-center}. */
  IdentityCenter identityCenter();

  /** STS, for {@code aws-sts}. */
  Sts sts();

  /** Endpoint overrides (absolute http(s) URLs). */
  interface Endpoints {
    Optional<String> sts();

    Optional<String> iam();

    Optional<String> ssoAdmin();

    Optional<String> identityStore();

    /** S3, for the audit archive ({@code portcullis.audit.archive.s3.*}). */
    Optional<String> s3();
  }

  /** S3 client settings (the audit archive). */
  S3 s3();

  /** S3 client settings. */
  interface S3 {
    /**
     * Address buckets as {@code https://endpoint/bucket/key} instead of {@code
     * https://bucket.endpoint/key}: for S3-compatible stores and some endpoint overrides.
     */
    @WithDefault("false")
    boolean forcePathStyle();
  }

  /** Which Identity Center instance grants are made in. */
  interface IdentityCenter {
    /** e.g. {@code arn:aws:sso:::instance/ssoins-1111222233334444}. */
    Optional<String> instanceArn();

    /** e.g. {@code d-1234567890}. */
    Optional<String> identityStoreId();

    /**
     * The AWS access portal URL shown to requesters, e.g. https://d-1234567890.awsapps.com/start.
     */
    Optional<String> portalUrl();
  }

  /** STS sessions. */
  interface Sts {
    /**
     * When revocation cuts off the role's sessions with a deny policy: {@code never}, {@code early}
     * (early revocation and kill switch, not expiry) or {@code always}.
     */
    @WithDefault("early")
    CutOff cutOff();
  }

  /** When {@code aws-sts} revocation attaches the deny policy to the role. */
  enum CutOff {
    NEVER,
    EARLY,
    ALWAYS
  }
}
