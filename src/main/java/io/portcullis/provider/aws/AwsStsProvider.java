package io.portcullis.provider.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.provider.Capability;
import io.portcullis.provider.Credential;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ParamReader;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.ProviderKind;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.GetRoleRequest;
import software.amazon.awssdk.services.iam.model.PutRolePolicyRequest;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * {@code aws-sts}: an STS AssumeRole session per grant. The requester receives the key triple once,
 * as fields, as ready-to-paste {@code export} lines and as a {@code ~/.aws/credentials} profile.
 *
 * <p>STS sessions cannot be revoked: they end at their expiration, which is at most 900 s (STS's
 * minimum) after the grant. When the grant ends early (or always, per {@code
 * portcullis.aws.sts.cut-off}) Portcullis attaches an inline deny policy to the role that denies
 * everything to every session of the role issued before that moment ({@code aws:TokenIssueTime}),
 * as the console's "Revoke active sessions" does; otherwise revocation reports the residual window.
 */
@ApplicationScoped
public class AwsStsProvider implements CredentialProvider {

  public static final ProviderKind<AwsStsParams> KIND =
      new ProviderKind<>("aws-sts", AwsStsParams::read);

  /** The inline policy that cuts off older sessions of a role. */
  static final String CUT_OFF_POLICY = "PortcullisRevokeOlderSessions";

  static final long MIN_SECONDS = 900;
  static final long MAX_SECONDS = 43_200;
  static final long CHAINED_SECONDS = 3_600;
  private static final long DEFAULT_ROLE_MAX = 3_600;
  private static final Duration ROLE_CACHE = Duration.ofHours(1);

  private static final Pattern NOT_SOURCE_IDENTITY = Pattern.compile("[^\\w+=,.@-]");
  private static final Pattern NOT_TAG = Pattern.compile("[^\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]");
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9/+=._-]*");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter DISPLAY =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final AwsClients clients;
  private final Clock clock;
  private final Map<String, RoleMax> roleMax = new ConcurrentHashMap<>();

  /** Set when STS said Portcullis's own credentials are a role session (role chaining: 1 h). */
  private volatile boolean chained;

  private record RoleMax(long seconds, Instant readAt) {}

  AwsStsProvider(AwsClients clients, Clock clock) {
    this.clients = clients;
    this.clock = clock;
  }

  @Override
  public ProviderKind<AwsStsParams> providerKind() {
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
    return Set.of(Capability.RESIDUAL_WINDOW, Capability.CONFIG_CHECK);
  }

  @Override
  public void check() throws ProviderException {
    AwsProviders.check(this, clients);
  }

  // ------------------------------------------------------------------ issue

  @Override
  public Issued issue(IssueRequest r) throws ProviderException {
    AwsProviders.requireConfigured(this);
    AwsStsParams p = KIND.params(r.params());
    String roleArn = p.roleArn();
    String roleName = p.roleName();
    String policy = p.sessionPolicy();
    OptionalLong declaredMax = p.maxSessionDuration();
    StsClient sts = clients.sts();
    Deadline d = clients.deadline();
    Instant now = clock.instant();
    Instant notAfter = GrantEnd.of(r, now);

    long max =
        declaredMax.isPresent() ? declaredMax.getAsLong() : roleMaxSeconds(roleArn, roleName, d);
    if (chained) {
      max = Math.min(max, CHAINED_SECONDS);
    }
    long seconds = durationSeconds(now, notAfter, max);
    String sessionName = sessionName(r);
    AssumeRoleResponse answer;
    long used = seconds;
    try {
      answer = assumeRole(sts, r, roleArn, sessionName, policy, seconds, d);
    } catch (SdkException e) {
      long lower = lowerLimit(e, roleArn, roleName, declaredMax, d);
      long retry = lower > 0 ? durationSeconds(now, notAfter, Math.min(max, lower)) : seconds;
      if (retry >= seconds) {
        throw assumeFailure(roleArn, e);
      }
      try {
        answer = assumeRole(sts, r, roleArn, sessionName, policy, retry, d);
      } catch (SdkException again) {
        throw assumeFailure(roleArn, again);
      }
      max = Math.min(max, lower);
      used = retry;
    }
    Credentials c = answer.credentials();
    if (c == null
        || c.accessKeyId() == null
        || c.secretAccessKey() == null
        || c.sessionToken() == null
        || c.expiration() == null) {
      throw new ProviderException(
          Kind.TRANSIENT, "STS answered AssumeRole on " + roleArn + " without credentials");
    }
    Instant expiration = c.expiration();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("aws_access_key_id", c.accessKeyId());
    fields.put("aws_secret_access_key", c.secretAccessKey());
    fields.put("aws_session_token", c.sessionToken());
    fields.put("expiration", DISPLAY.format(expiration));
    fields.put("export", exportLines(c));
    fields.put("credentials_file", credentialsFile(r.grantId().toString(), c));
    if (used < Duration.between(now, notAfter).getSeconds()) {
      fields.put(
          "note",
          "These credentials expire at "
              + expiration
              + ", before the grant ends at "
              + notAfter
              + ": "
              + (used >= MAX_SECONDS
                  ? "STS issues sessions of at most PT12H."
                  : "the role allows sessions of at most " + Duration.ofSeconds(max) + "."));
    }
    Map<String, Object> handle = new LinkedHashMap<>();
    handle.put("roleArn", roleArn);
    handle.put("sessionName", sessionName);
    if (answer.assumedRoleUser() != null && answer.assumedRoleUser().assumedRoleId() != null) {
      handle.put("assumedRoleId", answer.assumedRoleUser().assumedRoleId());
    }
    handle.put("expiration", expiration.toString());
    return new Issued(
        Credential.of(fields), handle, expiration.isAfter(notAfter) ? expiration : null);
  }

  private AssumeRoleResponse assumeRole(
      StsClient sts,
      IssueRequest r,
      String roleArn,
      String sessionName,
      String policy,
      long seconds,
      Deadline d) {
    AssumeRoleRequest.Builder b =
        AssumeRoleRequest.builder()
            .roleArn(roleArn)
            .roleSessionName(sessionName)
            .durationSeconds((int) seconds)
            .tags(tags(r))
            .overrideConfiguration(d.override());
    if (policy != null) {
      b.policy(policy);
    }
    String sourceIdentity = sourceIdentity(r.requester());
    if (sourceIdentity != null) {
      b.sourceIdentity(sourceIdentity);
    }
    return sts.assumeRole(b.build());
  }

  private ProviderException assumeFailure(String roleArn, SdkException e) {
    return clients.failure(
        "sts:AssumeRole",
        roleArn,
        e,
        "Portcullis's AWS principal needs sts:AssumeRole, sts:TagSession and"
            + " sts:SetSourceIdentity on the role, and the role's trust policy must allow all"
            + " three to it");
  }

  /**
   * When STS refused the DurationSeconds: the lower limit to try once more with (role chaining's
   * hour, or the role's maximum read afresh), or 0 when retrying cannot help.
   */
  private long lowerLimit(
      SdkException e, String roleArn, String roleName, OptionalLong declaredMax, Deadline d)
      throws ProviderException {
    String code = AwsClients.code(e);
    String message = clients.awsMessage(e);
    if (!"ValidationError".equals(code) || !message.contains("DurationSeconds")) {
      return 0;
    }
    if (message.toLowerCase(Locale.ROOT).contains("chaining")) {
      // Portcullis's own credentials are a role session (IRSA, an instance role assumed by
      // another role…): AWS caps every session it assumes at one hour.
      chained = true;
      return CHAINED_SECONDS;
    }
    if (declaredMax.isPresent()) {
      throw new ProviderException(
          Kind.PERMANENT,
          KIND.name()
              + " parameter 'maxSessionDuration' is more than the role "
              + roleArn
              + " allows (STS said: "
              + message
              + "); expected the role's MaxSessionDuration or less");
    }
    roleMax.remove(roleArn);
    return roleMaxSeconds(roleArn, roleName, d);
  }

  /** DurationSeconds = max(900, min(seconds until notAfter, role max, 43200)). */
  static long durationSeconds(Instant now, Instant notAfter, long roleMaxSeconds) {
    long left = Duration.between(now, notAfter).getSeconds();
    long capped = Math.min(Math.min(left, roleMaxSeconds), MAX_SECONDS);
    return Math.max(MIN_SECONDS, capped);
  }

  /** The role's MaxSessionDuration, read with IAM GetRole and cached for an hour. */
  private long roleMaxSeconds(String roleArn, String roleName, Deadline d)
      throws ProviderException {
    Instant now = clock.instant();
    RoleMax cached = roleMax.get(roleArn);
    if (cached != null && cached.readAt().plus(ROLE_CACHE).isAfter(now)) {
      return cached.seconds();
    }
    IamClient iam = clients.iam();
    Role role;
    try {
      role =
          iam.getRole(
                  GetRoleRequest.builder()
                      .roleName(roleName)
                      .overrideConfiguration(d.override())
                      .build())
              .role();
    } catch (SdkException e) {
      if ("NoSuchEntity".equals(AwsClients.code(e))) {
        throw new ProviderException(
            Kind.PERMANENT,
            "iam:GetRole found no role "
                + roleName
                + " in the account of Portcullis's credentials: check the entitlement's roleArn"
                + " "
                + roleArn
                + "; for a role in another account set the entitlement parameter"
                + " maxSessionDuration (GetRole reads only Portcullis's own account)");
      }
      throw clients.failure(
          "iam:GetRole",
          roleArn,
          e,
          "allow iam:GetRole on the role to Portcullis's AWS principal, or set the entitlement"
              + " parameter maxSessionDuration to the role's maximum session duration in seconds");
    }
    long seconds =
        role == null || role.maxSessionDuration() == null
            ? DEFAULT_ROLE_MAX
            : role.maxSessionDuration().longValue();
    roleMax.put(roleArn, new RoleMax(seconds, now));
    return seconds;
  }

  static String sessionName(IssueRequest r) {
    return "portcullis-" + r.grantId();
  }

  /** The requester's email (else subject) in SourceIdentity's character set, or null. */
  static String sourceIdentity(IssueRequest.Requester who) {
    if (who == null) {
      return null;
    }
    String v = firstNonBlank(who.email(), who.subject());
    if (v == null) {
      return null;
    }
    String s = NOT_SOURCE_IDENTITY.matcher(v).replaceAll("_");
    if (s.length() > 64) {
      s = s.substring(0, 64);
    }
    return s.length() < 2 ? null : s;
  }

  static List<Tag> tags(IssueRequest r) {
    List<Tag> tags = new ArrayList<>(3);
    addTag(tags, "portcullis:grant", r.grantId().toString());
    IssueRequest.Requester who = r.requester();
    if (who != null) {
      addTag(tags, "portcullis:requester", firstNonBlank(who.email(), who.subject()));
    }
    addTag(tags, "portcullis:ticket", r.ticket());
    return tags;
  }

  private static void addTag(List<Tag> tags, String key, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    String v = NOT_TAG.matcher(value.trim()).replaceAll("_");
    if (v.length() > 256) {
      v = v.substring(0, 256);
    }
    tags.add(Tag.builder().key(key).value(v).build());
  }

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a.trim();
    }
    return b != null && !b.isBlank() ? b.trim() : null;
  }

  static String exportLines(Credentials c) {
    return "export AWS_ACCESS_KEY_ID="
        + shell(c.accessKeyId())
        + "\nexport AWS_SECRET_ACCESS_KEY="
        + shell(c.secretAccessKey())
        + "\nexport AWS_SESSION_TOKEN="
        + shell(c.sessionToken())
        + "\n";
  }

  static String credentialsFile(String grantId, Credentials c) {
    return "["
        + profileName(grantId)
        + "]\naws_access_key_id = "
        + c.accessKeyId()
        + "\naws_secret_access_key = "
        + c.secretAccessKey()
        + "\naws_session_token = "
        + c.sessionToken()
        + "\n";
  }

  static String profileName(String grantId) {
    return "portcullis-" + grantId.substring(0, Math.min(8, grantId.length()));
  }

  private static String shell(String v) {
    return SHELL_SAFE.matcher(v).matches() ? v : "'" + v.replace("'", "'\\''") + "'";
  }

  /** Policy's {@code cutOff}, else the deployment's. */
  private AwsConfig.CutOff cutOffMode(AwsConfig.CutOff fromPolicy) {
    return fromPolicy != null ? fromPolicy : clients.config().sts().cutOff();
  }

  // ------------------------------------------------------------------ revoke

  @Override
  public Revoked revoke(RevokeRequest r) throws ProviderException {
    Map<String, Object> h = r.handle();
    if (h == null || h.get("roleArn") == null || h.get("expiration") == null) {
      throw new ProviderException(Kind.NOT_FOUND, "aws-sts: no session was recorded for the grant");
    }
    Instant expiration;
    try {
      expiration = Instant.parse(String.valueOf(h.get("expiration")));
    } catch (DateTimeParseException e) {
      throw new ProviderException(
          Kind.PERMANENT, "aws-sts: the grant's handle has no readable session expiration");
    }
    Instant now = clock.instant();
    if (!expiration.isAfter(now)) {
      return Revoked.NOW; // the session is over
    }
    AwsConfig.CutOff mode =
        cutOffMode(AwsStsParams.cutOff(new ParamReader(KIND.name(), r.params())));
    boolean cutOff =
        mode == AwsConfig.CutOff.ALWAYS
            || (mode == AwsConfig.CutOff.EARLY && !"expiry".equals(r.reason()));
    if (!cutOff) {
      return new Revoked(expiration); // usable until it expires: the residual window
    }
    AwsProviders.requireConfigured(this);
    String roleArn = String.valueOf(h.get("roleArn"));
    Matcher m = AwsStsParams.ROLE_ARN.matcher(roleArn);
    if (!m.matches()) {
      throw new ProviderException(
          Kind.PERMANENT, "aws-sts: the grant's handle names no role ARN: " + roleArn);
    }
    String roleName = m.group(2);
    IamClient iam = clients.iam();
    Deadline d = clients.deadline();
    // Round up: aws:TokenIssueTime has whole seconds; a session of this very second must go too.
    Instant denyBefore = now.truncatedTo(ChronoUnit.SECONDS);
    if (denyBefore.isBefore(now)) {
      denyBefore = denyBefore.plusSeconds(1);
    }
    try {
      iam.putRolePolicy(
          PutRolePolicyRequest.builder()
              .roleName(roleName)
              .policyName(CUT_OFF_POLICY)
              .policyDocument(cutOffPolicy(denyBefore))
              .overrideConfiguration(d.override())
              .build());
    } catch (SdkException e) {
      if ("NoSuchEntity".equals(AwsClients.code(e))) {
        throw new ProviderException(
            Kind.NOT_FOUND,
            "aws-sts: role " + roleArn + " no longer exists, so none of its sessions can be used");
      }
      throw clients.failure(
          "iam:PutRolePolicy",
          roleArn,
          e,
          "allow iam:PutRolePolicy on the role (policy "
              + CUT_OFF_POLICY
              + ") to Portcullis's AWS principal, or set cutOff: never on the entitlement"
              + " (portcullis.aws.sts.cut-off=never) to accept that the session stays usable"
              + " until "
              + expiration);
    }
    return Revoked.NOW;
  }

  /**
   * Denies everything to every session of the role issued before {@code denyBefore}. Overwrites an
   * earlier version: the moment only moves forward.
   */
  static String cutOffPolicy(Instant denyBefore) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("Version", "2012-10-17");
    ObjectNode statement = doc.putArray("Statement").addObject();
    statement.put("Sid", CUT_OFF_POLICY);
    statement.put("Effect", "Deny");
    statement.put("Action", "*");
    statement.put("Resource", "*");
    statement
        .putObject("Condition")
        .putObject("DateLessThan")
        .put("aws:TokenIssueTime", denyBefore.toString());
    return doc.toString();
  }
}
