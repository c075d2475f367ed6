package io.portcullis.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The property and environment variable names of {@link AwsConfig}, as documented. */
class AwsConfigTest {

  private static AwsConfig fromProperties(Map<String, String> properties) {
    SmallRyeConfig c =
        new SmallRyeConfigBuilder()
            .withMapping(AwsConfig.class)
            .withSources(new PropertiesConfigSource(properties, "test", 100))
            .build();
    return c.getConfigMapping(AwsConfig.class);
  }

  private static AwsConfig fromEnvironment(Map<String, String> env) {
    SmallRyeConfig c =
        new SmallRyeConfigBuilder()
            .withMapping(AwsConfig.class)
            .withSources(new EnvConfigSource(env, 300))
            .build();
    return c.getConfigMapping(AwsConfig.class);
  }

  @Test
  void nothingSetMeansOffWithDefaults() {
    AwsConfig c = fromProperties(Map.of());
    assertThat(c.region()).isEmpty();
    assertThat(c.endpoints().sts()).isEmpty();
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(c.maxAttempts()).isEqualTo(2);
    assertThat(c.identityCenter().instanceArn()).isEmpty();
    assertThat(c.sts().cutOff()).isEqualTo(AwsConfig.CutOff.EARLY);
  }

  @Test
  void propertyNames() {
    AwsConfig c =
        fromProperties(
            Map.ofEntries(
                Map.entry("portcullis.aws.region", "eu-west-1"),
                Map.entry("portcullis.aws.endpoints.sts", "https://sts.vpce"),
                Map.entry("portcullis.aws.endpoints.iam", "https://iam.vpce"),
                Map.entry("portcullis.aws.endpoints.sso-admin", "https://sso.vpce"),
                Map.entry("portcullis.aws.endpoints.identity-store", "https://ids.vpce"),
                Map.entry("portcullis.aws.timeout", "PT5S"),
                Map.entry("portcullis.aws.max-attempts", "3"),
                Map.entry("portcullis.aws.identity-center.instance-arn", "arn:i"),
                Map.entry("portcullis.aws.identity-center.identity-store-id", "d-1"),
                Map.entry("portcullis.aws.identity-center.portal-url", "https://p"),
                Map.entry("portcullis.aws.sts.cut-off", "never")));
    assertThat(c.region()).contains("eu-west-1");
    assertThat(c.endpoints().sts()).contains("https://sts.vpce");
    assertThat(c.endpoints().iam()).contains("https://iam.vpce");
    assertThat(c.endpoints().ssoAdmin()).contains("https://sso.vpce");
    assertThat(c.endpoints().identityStore()).contains("https://ids.vpce");
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.maxAttempts()).isEqualTo(3);
    assertThat(c.identityCenter().instanceArn()).contains("arn:i");
    assertThat(c.identityCenter().identityStoreId()).contains("d-1");
    assertThat(c.identityCenter().portalUrl()).contains("https://p");
    assertThat(c.sts().cutOff()).isEqualTo(AwsConfig.CutOff.NEVER);
  }

  @Test
  void environmentVariableNames() {
    AwsConfig c =
        fromEnvironment(
            Map.of(
                "PORTCULLIS_AWS_REGION", "us-gov-west-1",
                "PORTCULLIS_AWS_ENDPOINTS_SSO_ADMIN", "https://sso.vpce",
                "PORTCULLIS_AWS_ENDPOINTS_IDENTITY_STORE", "https://ids.vpce",
                "PORTCULLIS_AWS_MAX_ATTEMPTS", "1",
                "PORTCULLIS_AWS_IDENTITY_CENTER_INSTANCE_ARN", "arn:i",
                "PORTCULLIS_AWS_IDENTITY_CENTER_IDENTITY_STORE_ID", "d-1",
                "PORTCULLIS_AWS_IDENTITY_CENTER_PORTAL_URL", "https://p",
                "PORTCULLIS_AWS_STS_CUT_OFF", "ALWAYS"));
    assertThat(c.region()).contains("us-gov-west-1");
    assertThat(c.endpoints().ssoAdmin()).contains("https://sso.vpce");
    assertThat(c.endpoints().identityStore()).contains("https://ids.vpce");
    assertThat(c.maxAttempts()).isEqualTo(1);
    assertThat(c.identityCenter().instanceArn()).contains("arn:i");
    assertThat(c.identityCenter().identityStoreId()).contains("d-1");
    assertThat(c.identityCenter().portalUrl()).contains("https://p");
    assertThat(c.sts().cutOff()).isEqualTo(AwsConfig.CutOff.ALWAYS);
  }

  @Test
  void anUnknownCutOffNamesTheProperty() {
    assertThatThrownBy(() -> fromProperties(Map.of("portcullis.aws.sts.cut-off", "sometimes")))
        .hasMessageContaining("portcullis.aws.sts.cut-off");
  }
}
