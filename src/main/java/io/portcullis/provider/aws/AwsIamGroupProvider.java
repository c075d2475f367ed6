package io.portcullis.provider.aws;

import io.portcullis.provider.Capability;
import io.portcullis.provider.Credential;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.ProviderKind;
import io.portcullis.provider.RenewRequest;
import io.portcullis.provider.Renewed;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AddUserToGroupRequest;
import software.amazon.awssdk.services.iam.model.RemoveUserFromGroupRequest;

/**
 * {@code aws-iam-group}: puts the requester's IAM user into an IAM group for the grant and takes it
 * out at the end. Both calls are idempotent at AWS. The requester keeps using their own IAM
 * credentials; the group's permissions apply while they are a member (IAM propagates membership
 * changes within seconds). An extension in place re-asserts the membership ({@code RENEW}).
 */
@ApplicationScoped
public class AwsIamGroupProvider implements CredentialProvider {

  public static final ProviderKind<IamGroupParams> KIND =
      new ProviderKind<>("aws-iam-group", IamGroupParams::read);

  private static final Pattern USER_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");

  private final AwsClients clients;
  private final Clock clock;

  AwsIamGroupProvider(AwsClients clients, Clock clock) {
    this.clients = clients;
    this.clock = clock;
  }

  @Override
  public ProviderKind<IamGroupParams> providerKind() {
    return KIND;
  }

  @Override
  public boolean configured() {
    return clients.regionSet();
  }

  @Override
  public String configurationHint() {
    return AwsProviders.REGION_HINT;
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.CONFIG_CHECK, Capability.RENEW);
  }

  @Override
  public void check() throws ProviderException {
    AwsProviders.check(this, clients);
  }

  @Override
  public Issued issue(IssueRequest r) throws ProviderException {
    AwsProviders.requireConfigured(this);
    IamGroupParams p = KIND.params(r.params());
    String group = p.groupName();
    String attribute = p.userName();
    String user = userName(r.requester(), attribute);
    membership(
        "iam:AddUserToGroup",
        group,
        user,
        (iam, d) ->
            iam.addUserToGroup(
                AddUserToGroupRequest.builder()
                    .groupName(group)
                    .userName(user)
                    .overrideConfiguration(d.override())
                    .build()),
        e -> {
          String said = clients.awsMessage(e);
          return new ProviderException(
              Kind.PERMANENT,
              KIND.name()
                  + ": IAM user "
                  + user
                  + " (the requester's "
                  + attribute
                  + ") or IAM group "
                  + group
                  + " does not exist"
                  + (said.isEmpty() ? "" : " (AWS said: " + said + ")"));
        },
        "allow iam:AddUserToGroup and iam:RemoveUserFromGroup on the group to Portcullis's AWS"
            + " principal");
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put(
        "message",
        user
            + " is in IAM group "
            + group
            + " until "
            + GrantEnd.of(r, clock.instant())
            + "; use your own IAM credentials (the group's permissions may take a few seconds to"
            + " apply).");
    Map<String, Object> handle = new LinkedHashMap<>();
    handle.put("groupName", group);
    handle.put("userName", user);
    return new Issued(Credential.of(fields), handle, null);
  }

  /** The IAM user name taken from the requester attribute the entitlement names. */
  static String userName(IssueRequest.Requester who, String attribute) throws ProviderException {
    String v = null;
    if (who != null) {
      v =
          switch (attribute) {
            case "subject" -> who.subject();
            case "email-local-part" ->
                who.email() == null || who.email().indexOf('@') < 1
                    ? null
                    : who.email().substring(0, who.email().indexOf('@'));
            default -> who.email();
          };
    }
    if (v == null || v.isBlank()) {
      throw new ProviderException(
          Kind.PERMANENT,
          KIND.name()
              + " parameter 'userName' is "
              + attribute
              + ", but the requester has no "
              + (attribute.equals("subject")
                  ? "subject"
                  : "email address that the identity provider verified (email_verified)"));
    }
    v = v.trim();
    if (!USER_NAME.matcher(v).matches()) {
      throw new ProviderException(
          Kind.PERMANENT,
          KIND.name()
              + " parameter 'userName' is "
              + attribute
              + ", and the requester's value '"
              + v
              + "' is not a valid IAM user name (letters, digits and +=,.@_-, at most 64)");
    }
    return v;
  }

  /** The membership a grant's handle records. */
  private record Member(String group, String user) {
    static Member recordedIn(Map<String, Object> h) throws ProviderException {
      if (h == null || h.get("groupName") == null || h.get("userName") == null) {
        throw new ProviderException(Kind.NOT_FOUND, KIND.name() + ": no membership was recorded");
      }
      return new Member(String.valueOf(h.get("groupName")), String.valueOf(h.get("userName")));
    }
  }

  @Override
  public Revoked revoke(RevokeRequest r) throws ProviderException {
    Member m = Member.recordedIn(r.handle());
    AwsProviders.requireConfigured(this);
    String group = m.group();
    String user = m.user();
    membership(
        "iam:RemoveUserFromGroup",
        group,
        user,
        (iam, d) ->
            iam.removeUserFromGroup(
                RemoveUserFromGroupRequest.builder()
                    .groupName(group)
                    .userName(user)
                    .overrideConfiguration(d.override())
                    .build()),
        e ->
            new ProviderException(
                Kind.NOT_FOUND,
                KIND.name() + ": IAM user " + user + " or group " + group + " no longer exists"),
        "allow iam:RemoveUserFromGroup on the group to Portcullis's AWS principal");
    return Revoked.NOW;
  }

  /**
   * Membership has no end at AWS (Portcullis removes it at the grant's end), so an extension in
   * place only re-asserts it: {@code AddUserToGroup} again, idempotent at IAM. A user or group that
   * no longer exists is NOT_FOUND: nothing to extend.
   */
  @Override
  public Renewed renew(RenewRequest r) throws ProviderException {
    Member m = Member.recordedIn(r.handle());
    AwsProviders.requireConfigured(this);
    String group = m.group();
    String user = m.user();
    membership(
        "iam:AddUserToGroup",
        group,
        user,
        (iam, d) ->
            iam.addUserToGroup(
                AddUserToGroupRequest.builder()
                    .groupName(group)
                    .userName(user)
                    .overrideConfiguration(d.override())
                    .build()),
        e ->
            new ProviderException(
                Kind.NOT_FOUND,
                KIND.name() + ": IAM user " + user + " or group " + group + " no longer exists"),
        "allow iam:AddUserToGroup on the group to Portcullis's AWS principal");
    return new Renewed(null);
  }

  /** One IAM call on the membership of {@code user} in {@code group}, within the time budget. */
  @FunctionalInterface
  private interface MembershipCall {
    void call(IamClient iam, Deadline d);
  }

  /**
   * Makes {@code call}: IAM's NoSuchEntity becomes {@code noSuchEntity}'s exception, any other
   * failure {@link AwsClients#failure(String, String, SdkException, String)} with {@code
   * deniedHint}.
   */
  private void membership(
      String action,
      String group,
      String user,
      MembershipCall call,
      Function<SdkException, ProviderException> noSuchEntity,
      String deniedHint)
      throws ProviderException {
    IamClient iam = clients.iam();
    Deadline d = clients.deadline();
    try {
      call.call(iam, d);
    } catch (SdkException e) {
      if ("NoSuchEntity".equals(AwsClients.code(e))) {
        throw noSuchEntity.apply(e);
      }
      throw clients.failure(action, "group " + group + ", user " + user, e, deniedHint);
    }
  }
}
