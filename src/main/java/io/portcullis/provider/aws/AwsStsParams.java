package io.portcullis.provider.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.provider.InvalidParamException;
import io.portcullis.provider.ParamReader;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An entitlement's {@code aws-sts} parameters: {@code provider: {kind: aws-sts, roleArn:
 * "arn:aws:iam::123456789012:role/db-admin", sessionPolicy: {…}, maxSessionDuration: 3600, cutOff:
 * early}}.
 *
 * @param roleArn the role to assume
 * @param roleName the role's name (the last part of its ARN)
 * @param sessionPolicy an IAM policy document that narrows the session, as compact JSON, or null
 * @param maxSessionDuration the role's MaxSessionDuration in seconds, when policy states it (a role
 *     in another account, whose GetRole Portcullis cannot call)
 * @param cutOff when revocation cuts off the role's older sessions, or null for the deployment's
 *     {@code portcullis.aws.sts.cut-off}
 */
public record AwsStsParams(
    String roleArn,
    String roleName,
    String sessionPolicy,
    OptionalLong maxSessionDuration,
    AwsConfig.CutOff cutOff) {

  static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/(?:[!-~]*/)?([\\w+=,.@-]{1,64})");

  private static final int MAX_POLICY = 2048;
  private static final ObjectMapper JSON = new ObjectMapper();

  static AwsStsParams read(ParamReader p) throws InvalidParamException {
    String roleArn =
        p.matching(
            "roleArn",
            ROLE_ARN,
            "a role ARN such as arn:aws:iam::123456789012:role/portcullis/db-admin");
    Matcher m = ROLE_ARN.matcher(roleArn);
    m.matches();
    return new AwsStsParams(
        roleArn,
        m.group(2),
        sessionPolicy(p),
        p.wholeNumber("maxSessionDuration", AwsStsProvider.MIN_SECONDS, AwsStsProvider.MAX_SECONDS),
        cutOff(p));
  }

  /** Only {@code cutOff}, for revocation (the other parameters were checked at issue). */
  static AwsConfig.CutOff cutOff(ParamReader p) throws InvalidParamException {
    String v = p.choice("cutOff", null, "never", "early", "always");
    return v == null ? null : AwsConfig.CutOff.valueOf(v.toUpperCase(Locale.ROOT));
  }

  /** The session policy as compact JSON within STS's limits, or null. */
  private static String sessionPolicy(ParamReader p) throws InvalidParamException {
    Object raw = p.raw("sessionPolicy");
    if (raw == null || (raw instanceof String s && s.isBlank())) {
      return null;
    }
    String expected = "an IAM policy document (a JSON object) of at most 2048 characters";
    JsonNode node;
    try {
      node = raw instanceof String s ? JSON.readTree(s) : JSON.valueToTree(raw);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw p.invalid("sessionPolicy", "is not valid JSON", expected);
    }
    if (!(node instanceof ObjectNode)) {
      throw p.invalid("sessionPolicy", "is not a JSON object", expected);
    }
    String text = node.toString();
    if (text.length() > MAX_POLICY) {
      throw p.invalid(
          "sessionPolicy",
          "is " + text.length() + " characters without spaces; STS accepts at most " + MAX_POLICY,
          expected);
    }
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch > 0xFF || (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')) {
        throw p.invalid(
            "sessionPolicy", "contains characters STS does not accept (beyond U+00FF)", expected);
      }
    }
    return text;
  }
}
