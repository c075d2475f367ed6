package io.portcullis.provider.aws;

import io.portcullis.provider.InvalidParamException;
import io.portcullis.provider.ParamReader;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * An entitlement's {@code aws-identity-center} parameters: {@code provider: {kind:
 * aws-identity-center, accountId: "123456789012", permissionSetArn:
 * "arn:aws:sso:::permissionSet/ssoins-…/ps-…", principal: email}}.
 *
 * @param accountId the AWS account the permission set is assigned in
 * @param permissionSetArn the permission set
 * @param principal how the requester is found in the identity store: {@code email} or {@code
 *     userName}
 */
public record IdentityCenterParams(String accountId, String permissionSetArn, String principal) {

  static final Pattern PERMISSION_SET_ARN =
      Pattern.compile(
          "arn:aws[a-z-]*:sso:::permissionSet/(?:sso)?(ins-[a-zA-Z0-9.-]{16})/ps-[a-zA-Z0-9./-]{16}");

  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final String ACCOUNT_EXPECTED =
      "the 12-digit AWS account id in quotes, e.g. '012345678901'";

  static IdentityCenterParams read(ParamReader p) throws InvalidParamException {
    return new IdentityCenterParams(
        accountId(p),
        p.matching(
            "permissionSetArn",
            PERMISSION_SET_ARN,
            "a permission set ARN such as"
                + " arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-5555666677778888"),
        p.choice("principal", "email", "email", "userName"));
  }

  /** The identity store attribute the requester's verified email is looked up as. */
  String attributePath() {
    return principal.equals("email") ? "emails.value" : "userName";
  }

  private static String accountId(ParamReader p) throws InvalidParamException {
    if (p.raw("accountId") instanceof Number n) {
      // A YAML number is only safe with 12 digits: a leading zero is lost, or read as octal.
      try {
        long v = new BigDecimal(n.toString()).longValueExact();
        if (v >= 100_000_000_000L && v <= 999_999_999_999L) {
          return Long.toString(v);
        }
      } catch (ArithmeticException | NumberFormatException e) {
        // not a whole number: say how to write it
      }
      throw p.invalid("accountId", "is a number, not a quoted text", ACCOUNT_EXPECTED);
    }
    return p.matching("accountId", ACCOUNT, ACCOUNT_EXPECTED);
  }
}
