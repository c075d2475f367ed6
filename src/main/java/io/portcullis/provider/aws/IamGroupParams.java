package io.portcullis.provider.aws;

import io.portcullis.provider.InvalidParamException;
import io.portcullis.provider.ParamReader;
import java.util.regex.Pattern;

/**
 * An entitlement's {@code aws-iam-group} parameters: {@code provider: {kind: aws-iam-group,
 * groupName: portcullis-db-admins, userName: email}}.
 *
 * @param groupName the IAM group the requester joins for the grant
 * @param userName which requester attribute is their IAM user name: {@code email}, {@code
 *     email-local-part} or {@code subject}
 */
public record IamGroupParams(String groupName, String userName) {

  private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{1,128}");

  static IamGroupParams read(ParamReader p) throws InvalidParamException {
    return new IamGroupParams(
        p.matching(
            "groupName",
            NAME,
            "an IAM group name (letters, digits and +=,.@_-, at most 128), e.g."
                + " portcullis-db-admins"),
        p.choice("userName", "email", "email", "email-local-part", "subject"));
  }
}
