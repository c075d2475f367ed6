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
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.identitystore.IdentitystoreClient;
import software.amazon.awssdk.services.identitystore.model.AlternateIdentifier;
import software.amazon.awssdk.services.identitystore.model.GetUserIdRequest;
import software.amazon.awssdk.services.identitystore.model.UniqueAttribute;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.AccountAssignmentOperationStatus;
import software.amazon.awssdk.services.ssoadmin.model.DescribePermissionSetRequest;
import software.amazon.awssdk.services.ssoadmin.model.PermissionSet;
import software.amazon.awssdk.services.ssoadmin.model.StatusValues;

/**
 * {@code aws-identity-center}: assigns a permission set in an AWS account to the requester's IAM
 * Identity Center user for the grant, and deletes the assignment at its end. Both operations are
 * asynchronous at AWS: Portcullis polls their status within its time budget, and retries AWS's
 * ConflictException (another operation on the same assignment in flight) and throttling with
 * backoff.
 *
 * <p>Deleting the assignment does not end portal sessions the user already started: those last
 * until the permission set's session duration has passed (the residual window). An extension in
 * place re-asserts the assignment ({@code RENEW}).
 */
@ApplicationScoped
public class AwsIdentityCenterProvider implements CredentialProvider {

  public static final ProviderKind<IdentityCenterParams> KIND =
      new ProviderKind<>("aws-identity-center", IdentityCenterParams::read);

  static final Pattern INSTANCE_ARN =
      Pattern.compile("arn:aws[a-z-]*:sso:::instance/(?:sso)?(ins-[a-zA-Z0-9.-]{16})");
  static final Pattern IDENTITY_STORE_ID =
      Pattern.compile(
          "d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern NOT_FOUND_REASON =
      Pattern.compile("(?i)not (be )?found|does not exist|doesn't exist|no such|no assignment");
  private static final Duration DEFAULT_SESSION = Duration.ofHours(1);
  private static final Duration LONGEST_SESSION = Duration.ofHours(12);
  private static final Duration CACHE = Duration.ofHours(1);

  private final AwsClients clients;
  private final Clock clock;
  private final Map<String, PermissionSetInfo> permissionSets = new ConcurrentHashMap<>();

  record PermissionSetInfo(String name, Duration sessionDuration, Instant readAt) {}

  private final IdentityCenterCalls calls;

  AwsIdentityCenterProvider(AwsClients clients, Clock clock) {
    this.calls = new IdentityCenterCalls(clients);
    this.clients = clients;
    this.clock = clock;
  }

  @Override
  public ProviderKind<IdentityCenterParams> providerKind() {
    return KIND;
  }

  private AwsConfig.IdentityCenter ic() {
    return clients.config().identityCenter();
  }

  @Override
  public boolean configured() {
    return clients.regionSet() && present(ic().instanceArn()) && present(ic().identityStoreId());
  }

  private static boolean present(java.util.Optional<String> v) {
    return v.filter(s -> !s.isBlank()).isPresent();
  }

  @Override
  public String configurationHint() {
    List<String> missing = new ArrayList<>();
    if (!clients.regionSet()) {
      missing.add("portcullis.aws.region (PORTCULLIS_AWS_REGION)");
    }
    if (!present(ic().instanceArn())) {
      missing.add(
          "portcullis.aws.identity-center.instance-arn"
              + " (PORTCULLIS_AWS_IDENTITY_CENTER_INSTANCE_ARN)");
    }
    if (!present(ic().identityStoreId())) {
      missing.add(
          "portcullis.aws.identity-center.identity-store-id"
              + " (PORTCULLIS_AWS_IDENTITY_CENTER_IDENTITY_STORE_ID)");
    }
    if (missing.isEmpty()) {
      return "";
    }
    String list =
        missing.size() == 1
            ? missing.get(0)
            : String.join(", ", missing.subList(0, missing.size() - 1))
                + " and "
                + missing.get(missing.size() - 1);
    return "set " + list + "; credentials come from the AWS SDK default chain";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.RESIDUAL_WINDOW, Capability.CONFIG_CHECK, Capability.RENEW);
  }

  @Override
  public void check() throws ProviderException {
    AwsProviders.check(
        this,
        clients,
        () -> {
          instanceArn();
          identityStoreId();
        });
  }

  private String instanceArn() throws ProviderException {
    String v = ic().instanceArn().orElse("").trim();
    if (!INSTANCE_ARN.matcher(v).matches()) {
      throw AwsClients.permanent(
          "portcullis.aws.identity-center.instance-arn '"
              + v
              + "' is not an Identity Center instance ARN such as"
              + " arn:aws:sso:::instance/ssoins-1111222233334444");
    }
    return v;
  }

  private String identityStoreId() throws ProviderException {
    String v = ic().identityStoreId().orElse("").trim();
    if (!IDENTITY_STORE_ID.matcher(v).matches()) {
      throw AwsClients.permanent(
          "portcullis.aws.identity-center.identity-store-id '"
              + v
              + "' is not an identity store id such as d-1234567890");
    }
    return v;
  }

  @Override
  public Issued issue(IssueRequest r) throws ProviderException {
    AwsProviders.requireConfigured(this);
    String instanceArn = instanceArn();
    String storeId = identityStoreId();
    IdentityCenterParams p = KIND.params(r.params());
    String accountId = p.accountId();
    String permissionSetArn = p.permissionSetArn();
    Matcher ins = INSTANCE_ARN.matcher(instanceArn);
    Matcher psIns = IdentityCenterParams.PERMISSION_SET_ARN.matcher(permissionSetArn);
    if (ins.matches() && psIns.matches() && !ins.group(1).equals(psIns.group(1))) {
      throw new ProviderException(
          Kind.PERMANENT,
          KIND.name()
              + " parameter 'permissionSetArn' belongs to instance "
              + psIns.group(1)
              + ", not to portcullis.aws.identity-center.instance-arn "
              + instanceArn);
    }
    String attributePath = p.attributePath();
    String email = r.requester() == null ? null : r.requester().email();
    if (email == null || email.isBlank()) {
      throw new ProviderException(
          Kind.PERMANENT,
          KIND.name()
              + ": the requester has no email address that the identity provider verified"
              + " (claim email_verified), which is looked up as "
              + attributePath
              + " in identity store "
              + storeId);
    }
    email = email.trim();
    SsoAdminClient sso = clients.ssoAdmin();
    IdentitystoreClient ids = clients.identityStore();
    Deadline d = clients.deadline();

    PermissionSetInfo ps = permissionSet(sso, instanceArn, permissionSetArn, d);
    String principalId = userId(ids, storeId, attributePath, email, d);
    String target = "account " + accountId + ", permission set " + permissionSetArn;
    AccountAssignmentOperationStatus status =
        calls.assignment(
            sso,
            new IdentityCenterCalls.Assignment(
                instanceArn, accountId, permissionSetArn, principalId),
            true,
            target,
            d,
            null);
    if (status.status() == StatusValues.FAILED) {
      throw new ProviderException(
          Kind.PERMANENT,
          "IAM Identity Center could not assign "
              + target
              + " to "
              + email
              + ": "
              + calls.reason(status));
    }

    Instant notAfter = GrantEnd.of(r, clock.instant());
    String portal = ic().portalUrl().filter(s -> !s.isBlank()).map(String::trim).orElse(null);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put(
        "message",
        "Permission set "
            + ps.name()
            + " in AWS account "
            + accountId
            + " is assigned to "
            + email
            + " until "
            + notAfter
            + ". Sign in through "
            + (portal == null ? "your AWS access portal" : "the AWS access portal " + portal)
            + " and choose account "
            + accountId
            + ", role "
            + ps.name()
            + " (it may take a minute to appear). A session started there lasts up to "
            + IdentityCenterCalls.human(ps.sessionDuration())
            + ", also past the end of the grant.");
    fields.put("permission_set", ps.name());
    if (portal != null) {
      fields.put("portal", portal);
      fields.put("aws_config", awsConfig(r.grantId().toString(), portal, accountId, ps.name()));
    }
    Map<String, Object> handle = new LinkedHashMap<>();
    handle.put("instanceArn", instanceArn);
    handle.put("accountId", accountId);
    handle.put("permissionSetArn", permissionSetArn);
    handle.put("principalId", principalId);
    handle.put("sessionDuration", ps.sessionDuration().toString());
    return new Issued(Credential.of(fields), handle, notAfter.plus(ps.sessionDuration()));
  }

  /**
   * A {@code ~/.aws/config} profile for the AWS CLI's IAM Identity Center sign-in ({@code aws sso
   * login --profile …}).
   */
  private String awsConfig(String grantId, String portal, String accountId, String role)
      throws ProviderException {
    String name = "portcullis-" + grantId.substring(0, Math.min(8, grantId.length()));
    String region = clients.region().id();
    return "[profile "
        + name
        + "]\nsso_session = portcullis\nsso_account_id = "
        + accountId
        + "\nsso_role_name = "
        + role
        + "\nregion = "
        + region
        + "\n\n[sso-session portcullis]\nsso_start_url = "
        + portal
        + "\nsso_region = "
        + region
        + "\nsso_registration_scopes = sso:account:access\n";
  }

  private String userId(
      IdentitystoreClient ids, String storeId, String attributePath, String value, Deadline d)
      throws ProviderException {
    String target = "identity store " + storeId;
    ProviderException noUser =
        new ProviderException(
            Kind.PERMANENT,
            "IAM Identity Center has no user whose "
                + attributePath
                + " is "
                + value
                + " in identity store "
                + storeId
                + (attributePath.equals("userName")
                    ? " (or set principal: email on the entitlement)"
                    : " (or set principal: userName on the entitlement)"));
    return calls.retrying(
        d,
        "identitystore:GetUserId",
        target,
        noUser,
        () ->
            ids.getUserId(
                    GetUserIdRequest.builder()
                        .identityStoreId(storeId)
                        .alternateIdentifier(
                            AlternateIdentifier.fromUniqueAttribute(
                                UniqueAttribute.builder()
                                    .attributePath(attributePath)
                                    .attributeValue(Document.fromString(value))
                                    .build()))
                        .overrideConfiguration(d.override())
                        .build())
                .userId());
  }

  private PermissionSetInfo permissionSet(
      SsoAdminClient sso, String instanceArn, String permissionSetArn, Deadline d)
      throws ProviderException {
    Instant now = clock.instant();
    PermissionSetInfo cached = permissionSets.get(permissionSetArn);
    if (cached != null && cached.readAt().plus(CACHE).isAfter(now)) {
      return cached;
    }
    ProviderException noSuchSet =
        new ProviderException(
            Kind.PERMANENT,
            KIND.name()
                + ": permission set "
                + permissionSetArn
                + " does not exist in instance "
                + instanceArn
                + "; check the entitlement's permissionSetArn");
    PermissionSet ps =
        calls.retrying(
            d,
            "sso:DescribePermissionSet",
            permissionSetArn,
            noSuchSet,
            () ->
                sso.describePermissionSet(
                        DescribePermissionSetRequest.builder()
                            .instanceArn(instanceArn)
                            .permissionSetArn(permissionSetArn)
                            .overrideConfiguration(d.override())
                            .build())
                    .permissionSet());
    Duration session = DEFAULT_SESSION;
    String name = permissionSetArn.substring(permissionSetArn.lastIndexOf('/') + 1);
    if (ps != null) {
      if (ps.name() != null && !ps.name().isBlank()) {
        name = ps.name();
      }
      if (ps.sessionDuration() != null) {
        try {
          session = Duration.parse(ps.sessionDuration());
        } catch (DateTimeParseException e) {
          session = LONGEST_SESSION; // unreadable: assume the longest AWS allows
        }
      }
    }
    PermissionSetInfo info = new PermissionSetInfo(name, session, now);
    permissionSets.put(permissionSetArn, info);
    return info;
  }

  @Override
  public Revoked revoke(RevokeRequest r) throws ProviderException {
    Map<String, Object> h = r.handle();
    if (h == null
        || h.get("instanceArn") == null
        || h.get("accountId") == null
        || h.get("permissionSetArn") == null
        || h.get("principalId") == null) {
      throw new ProviderException(
          Kind.NOT_FOUND, KIND.name() + ": no assignment was recorded for the grant");
    }
    if (!clients.regionSet()) {
      AwsProviders.requireConfigured(this);
    }
    String instanceArn = String.valueOf(h.get("instanceArn"));
    String accountId = String.valueOf(h.get("accountId"));
    String permissionSetArn = String.valueOf(h.get("permissionSetArn"));
    String principalId = String.valueOf(h.get("principalId"));
    SsoAdminClient sso = clients.ssoAdmin();
    Deadline d = clients.deadline();
    String target =
        "account " + accountId + ", permission set " + permissionSetArn + ", user " + principalId;
    String gone = KIND.name() + ": the assignment of " + target + " does not exist (any more)";
    ProviderException notFound = new ProviderException(Kind.NOT_FOUND, gone);
    AccountAssignmentOperationStatus status =
        calls.assignment(
            sso,
            new IdentityCenterCalls.Assignment(
                instanceArn, accountId, permissionSetArn, principalId),
            false,
            target,
            d,
            notFound);
    if (status.status() == StatusValues.FAILED) {
      String why = calls.reason(status);
      if (NOT_FOUND_REASON.matcher(why).find()) {
        throw new ProviderException(Kind.NOT_FOUND, gone + ": " + why);
      }
      throw new ProviderException(
          Kind.TRANSIENT,
          "IAM Identity Center could not delete the assignment of " + target + ": " + why);
    }
    return new Revoked(clock.instant().plus(sessionDuration(h)));
  }

  /**
   * The assignment has no end at AWS (Portcullis deletes it at the grant's end), so an extension in
   * place only re-asserts it: {@code CreateAccountAssignment} again, which IAM Identity Center
   * answers for an existing assignment as for a new one, waited for like an issue. Portal sessions
   * may outlast the new end by the permission set's session duration (the residual window).
   */
  @Override
  public Renewed renew(RenewRequest r) throws ProviderException {
    Map<String, Object> h = r.handle();
    if (h == null
        || h.get("instanceArn") == null
        || h.get("accountId") == null
        || h.get("permissionSetArn") == null
        || h.get("principalId") == null) {
      throw new ProviderException(
          Kind.NOT_FOUND, KIND.name() + ": no assignment was recorded for the grant");
    }
    AwsProviders.requireConfigured(this);
    String accountId = String.valueOf(h.get("accountId"));
    String permissionSetArn = String.valueOf(h.get("permissionSetArn"));
    String principalId = String.valueOf(h.get("principalId"));
    String target =
        "account " + accountId + ", permission set " + permissionSetArn + ", user " + principalId;
    AccountAssignmentOperationStatus status =
        calls.assignment(
            clients.ssoAdmin(),
            new IdentityCenterCalls.Assignment(
                String.valueOf(h.get("instanceArn")), accountId, permissionSetArn, principalId),
            true,
            target,
            clients.deadline(),
            null);
    if (status.status() == StatusValues.FAILED) {
      throw new ProviderException(
          Kind.PERMANENT,
          "IAM Identity Center could not keep the assignment of "
              + target
              + ": "
              + calls.reason(status));
    }
    return new Renewed(r.newNotAfter().plus(sessionDuration(h)));
  }

  /** How long a portal session started before the deletion may last. */
  private Duration sessionDuration(Map<String, Object> handle) {
    Object v = handle.get("sessionDuration");
    if (v != null) {
      try {
        return Duration.parse(String.valueOf(v));
      } catch (DateTimeParseException e) {
        // fall through
      }
    }
    PermissionSetInfo cached = permissionSets.get(String.valueOf(handle.get("permissionSetArn")));
    return cached != null ? cached.sessionDuration() : LONGEST_SESSION;
  }
}
