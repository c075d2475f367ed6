package io.portcullis.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.portcullis.testing.StubProviderServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A small AWS for tests: four WireMock servers (STS, IAM, SSO Admin, Identity Store), each on its
 * own port, answering in the real wire formats (Query protocol with XML answers and errors for STS
 * and IAM; AWS JSON 1.1 with {@code X-Amz-Target} and {@code __type} errors for SSO Admin and
 * Identity Store), with enough state to tell whether issued access is live: STS sessions and the
 * role's inline deny policies, IAM group members, Identity Center assignments and their
 * asynchronous operations. Secrets it hands out start with {@link StubProviderServer#CANARY}.
 *
 * <p>Its time (session issue and expiration, operations' creation dates) comes from the clock the
 * test gives it, the one the providers under test read, never from the wall clock.
 */
final class FakeAws implements AutoCloseable {

  static final String CANARY = StubProviderServer.CANARY;
  static final String REGION = "us-east-1";
  static final String ACCOUNT = "123456789012";
  static final String BROKER_KEY = "ASIAPORTCULLISBROKER";
  static final String BROKER_ARN =
      "arn:aws:sts::" + ACCOUNT + ":assumed-role/portcullis-broker/i-0abc1234";
  static final String ROLE = "db-admin";
  static final String ROLE_ARN = "arn:aws:iam::" + ACCOUNT + ":role/portcullis/" + ROLE;
  static final String INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-1111222233334444";
  static final String STORE_ID = "d-1234567890";
  static final String PS_ARN =
      "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-5555666677778888";
  static final String PS_NAME = "DBAdmin";
  static final String GROUP = "portcullis-db-admins";

  static final String STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
  static final String IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

  final String brokerSecret = CANARY + "-brokersecret-" + hex(16);
  final String brokerToken = CANARY + "-brokertoken-" + hex(48);

  final WireMockServer sts;
  final WireMockServer iam;
  final WireMockServer sso;
  final WireMockServer ids;
  private final Map<WireMockServer, List<StubMapping>> faults = new ConcurrentHashMap<>();

  // ---- state
  /** A session STS issued. */
  record Session(
      String roleName,
      String sessionName,
      String accessKeyId,
      Instant issuedAt,
      Instant expiration,
      int durationSeconds) {}

  /** An account assignment: user, account, permission set. */
  record Assignment(String accountId, String permissionSetArn, String principalId) {}

  /**
   * An asynchronous assignment operation: its first answer and the first {@code polls - 1} status
   * polls say IN_PROGRESS (none when {@code polls} is 0).
   */
  static final class Operation {
    final String requestId = UUID.randomUUID().toString();
    final boolean creation;
    final Assignment assignment;
    final AtomicInteger pollsLeft;
    final String failureReason;
    final Instant created;

    Operation(boolean creation, Assignment a, int polls, String failureReason, Instant created) {
      this.creation = creation;
      this.created = created;
      this.assignment = a;
      this.pollsLeft = new AtomicInteger(polls);
      this.failureReason = failureReason;
    }
  }

  final Map<String, Session> sessions = new ConcurrentHashMap<>();
  final Map<String, Integer> roles = new ConcurrentHashMap<>();
  final Map<String, Map<String, String>> rolePolicies = new ConcurrentHashMap<>();
  final Set<String> users = ConcurrentHashMap.newKeySet();
  final Map<String, Set<String>> groups = new ConcurrentHashMap<>();
  final Map<String, String[]> permissionSets = new ConcurrentHashMap<>();
  final Set<Assignment> assignments = ConcurrentHashMap.newKeySet();
  final Map<String, Operation> operations = new ConcurrentHashMap<>();

  /** Identity Store users: "attributePath=value" to user id. */
  final Map<String, String> directory = new ConcurrentHashMap<>();

  final AtomicInteger conflicts = new AtomicInteger();
  volatile int pollsBeforeDone = 1;
  volatile String nextCreationFailure;
  volatile String nextDeletionFailure;

  /** Portcullis's own credentials are a role session: STS caps assumed sessions at one hour. */
  volatile boolean chainedCaller;

  static final String ALICE_ID = "906767c1d0-2fde3a60-0b3e-4e0a-9d4f-aaaaaaaaaaaa";
  static final String CAROL_ID = "906767c1d0-2fde3a60-0b3e-4e0a-9d4f-cccccccccccc";

  private final Clock clock;

  private FakeAws(Clock clock) {
    this.clock = clock;
    sts = server(new Fake("sts-fake", this::sts));
    iam = server(new Fake("iam-fake", this::iam));
    sso = server(new Fake("sso-fake", this::sso));
    ids = server(new Fake("ids-fake", this::ids));
    reset();
  }

  /** A fake AWS whose time is {@code clock}'s: give it the clock the providers under test read. */
  static FakeAws start(Clock clock) {
    return new FakeAws(clock);
  }

  private static WireMockServer server(Fake fake) {
    WireMockServer s =
        new WireMockServer(
            WireMockConfiguration.options()
                .dynamicPort()
                .containerThreads(30)
                .notifier(new ConsoleNotifier(false))
                .extensions(fake));
    s.start();
    s.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withTransformers(fake.name)));
    return s;
  }

  List<WireMockServer> servers() {
    return List.of(sts, iam, sso, ids);
  }

  /** Configuration pointing every service at this fake. */
  TestAwsConfig config() {
    TestAwsConfig c = new TestAwsConfig();
    c.region = REGION;
    c.sts = sts.baseUrl();
    c.iam = iam.baseUrl();
    c.ssoAdmin = sso.baseUrl();
    c.identityStore = ids.baseUrl();
    c.timeout = Duration.ofSeconds(3);
    c.maxAttempts = 2;
    c.instanceArn = INSTANCE_ARN;
    c.identityStoreId = STORE_ID;
    c.portalUrl = "https://d-1234567890.awsapps.com/start";
    return c;
  }

  /** Clients signing with Portcullis's (fake) own session credentials. */
  AwsClients clients(TestAwsConfig c) {
    return new AwsClients(
        c,
        StaticCredentialsProvider.create(
            AwsSessionCredentials.create(BROKER_KEY, brokerSecret, brokerToken)),
        List.of());
  }

  /** Back to the initial state: no sessions, policies, members or assignments; no faults. */
  void reset() {
    healthy();
    servers().forEach(WireMockServer::resetRequests);
    sessions.clear();
    roles.clear();
    roles.put(ROLE, 3600);
    roles.put("long-sessions", 43200);
    roles.put("two-hours", 7200);
    rolePolicies.clear();
    users.clear();
    users.addAll(List.of("alice@example.com", "alice", "bob@example.com"));
    groups.clear();
    groups.put(GROUP, ConcurrentHashMap.newKeySet());
    permissionSets.clear();
    permissionSets.put(PS_ARN, new String[] {PS_NAME, "PT2H"});
    assignments.clear();
    operations.clear();
    directory.clear();
    directory.put("emails.value=alice@example.com", ALICE_ID);
    directory.put("userName=alice", ALICE_ID);
    directory.put("emails.value=carol@corp.example", CAROL_ID);
    directory.put("userName=carol@example.com", CAROL_ID);
    conflicts.set(0);
    pollsBeforeDone = 1;
    nextCreationFailure = null;
    nextDeletionFailure = null;
    chainedCaller = false;
  }

  // ------------------------------------------------------------------ failure modes

  void healthy() {
    faults.forEach((s, list) -> list.forEach(s::removeStub));
    faults.clear();
  }

  /** Every request to {@code s} gets {@code answer} until {@link #healthy()}. */
  void fault(WireMockServer s, ResponseDefinitionBuilder answer) {
    StubMapping m = s.stubFor(any(anyUrl()).atPriority(1).willReturn(answer));
    faults.computeIfAbsent(s, k -> new CopyOnWriteArrayList<>()).add(m);
  }

  private boolean isJson(WireMockServer s) {
    return s == sso || s == ids;
  }

  /** 503 / 500 from every given service. */
  void down(WireMockServer... which) {
    for (WireMockServer s : which) {
      fault(
          s,
          isJson(s)
              ? jsonAnswer(
                  500, error("InternalServerException", "An internal error occurred. Try again."))
              : xmlAnswer(
                  503,
                  xmlError(
                      s == sts ? STS_NS : IAM_NS,
                      "Receiver",
                      "ServiceUnavailable",
                      "Service is unavailable. Try again later.")));
    }
  }

  /** The services' throttling errors. */
  void throttled(WireMockServer... which) {
    for (WireMockServer s : which) {
      fault(
          s,
          isJson(s)
              ? jsonAnswer(400, error("ThrottlingException", "Rate exceeded"))
              : xmlAnswer(
                  400,
                  xmlError(s == sts ? STS_NS : IAM_NS, "Sender", "Throttling", "Rate exceeded")));
    }
  }

  /** Answers only after {@code delay}. */
  void slow(Duration delay, WireMockServer... which) {
    for (WireMockServer s : which) {
      fault(
          s,
          (isJson(s)
                  ? jsonAnswer(500, error("InternalServerException", "late"))
                  : xmlAnswer(503, ""))
              .withFixedDelay((int) delay.toMillis()));
    }
  }

  /**
   * Access denied, with a canary in the places a careless client would copy from: Portcullis's own
   * session token and a secret-shaped assignment in the message, a detail element, and the request
   * id header.
   */
  void deniedWithCanary(WireMockServer... which) {
    String message =
        "User: "
            + BROKER_ARN
            + " is not authorized to perform this action. The security token "
            + brokerToken
            + " was used; SecretAccessKey="
            + CANARY
            + "-echoed-"
            + hex(8);
    for (WireMockServer s : which) {
      if (isJson(s)) {
        Map<String, Object> body = error("AccessDeniedException", message);
        body.put("Reason", CANARY + "-reason-" + hex(8));
        body.put("Detail", CANARY + "-detail-" + hex(8));
        fault(s, jsonAnswer(400, body).withHeader("x-amzn-RequestId", CANARY + "-request"));
      } else {
        String xml =
            "<ErrorResponse xmlns=\""
                + (s == sts ? STS_NS : IAM_NS)
                + "\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>"
                + escape(message)
                + "</Message><Detail>"
                + CANARY
                + "-detail</Detail></Error><RequestId>"
                + CANARY
                + "-request</RequestId></ErrorResponse>";
        fault(s, xmlAnswer(403, xml).withHeader("x-amzn-RequestId", CANARY + "-request"));
      }
    }
  }

  // ------------------------------------------------------------------ liveness

  /** Whether a session issued by STS can still be used: not expired, not cut off. */
  boolean sessionLive(String accessKeyId) {
    Session s = sessions.get(accessKeyId);
    if (s == null || !clock.instant().isBefore(s.expiration())) {
      return false;
    }
    Instant denyBefore = denyBefore(s.roleName());
    return denyBefore == null || !s.issuedAt().truncatedTo(ChronoUnit.SECONDS).isBefore(denyBefore);
  }

  /** The latest aws:TokenIssueTime cut-off in the role's inline deny policies, or null. */
  Instant denyBefore(String roleName) {
    Instant latest = null;
    for (String doc : rolePolicies.getOrDefault(roleName, Map.of()).values()) {
      try {
        JsonNode statements = JSON.readTree(doc).path("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (statements.isArray()) {
          statements.forEach(list::add);
        } else {
          list.add(statements);
        }
        for (JsonNode st : list) {
          JsonNode t = st.path("Condition").path("DateLessThan").path("aws:TokenIssueTime");
          if ("Deny".equals(st.path("Effect").asText())
              && "*".equals(st.path("Action").asText())
              && "*".equals(st.path("Resource").asText())
              && t.isTextual()) {
            Instant i = Instant.parse(t.asText());
            latest = latest == null || i.isAfter(latest) ? i : latest;
          }
        }
      } catch (Exception e) {
        throw new AssertionError("the fake stored a policy it cannot read: " + doc, e);
      }
    }
    return latest;
  }

  boolean member(String group, String user) {
    return groups.getOrDefault(group, Set.of()).contains(user);
  }

  boolean assigned(String accountId, String permissionSetArn, String principalId) {
    return assignments.contains(new Assignment(accountId, permissionSetArn, principalId));
  }

  // ------------------------------------------------------------------ STS

  private ResponseDefinition sts(ServeEvent e) {
    Map<String, String> f = form(e);
    String action = f.getOrDefault("Action", "");
    if (!"2011-06-15".equals(f.get("Version"))) {
      return xml(400, xmlError(STS_NS, "Sender", "InvalidAction", "Could not find operation"));
    }
    return switch (action) {
      case "GetCallerIdentity" ->
          xml(
              200,
              "<GetCallerIdentityResponse xmlns=\""
                  + STS_NS
                  + "\">\n  <GetCallerIdentityResult>\n    <Arn>"
                  + BROKER_ARN
                  + "</Arn>\n    <UserId>AROAEXAMPLEBROKERID01:i-0abc1234</UserId>\n    <Account>"
                  + ACCOUNT
                  + "</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n"
                  + "    <RequestId>"
                  + UUID.randomUUID()
                  + "</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>");
      case "AssumeRole" -> assumeRole(f);
      default ->
          xml(
              400,
              xmlError(STS_NS, "Sender", "InvalidAction", "Could not find operation " + action));
    };
  }

  private ResponseDefinition assumeRole(Map<String, String> f) {
    String roleArn = f.getOrDefault("RoleArn", "");
    String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
    Integer max = roles.get(roleName);
    if (max == null || !roleArn.startsWith("arn:aws:iam::" + ACCOUNT + ":role/")) {
      return xml(
          403,
          xmlError(
              STS_NS,
              "Sender",
              "AccessDenied",
              "User: "
                  + BROKER_ARN
                  + " is not authorized to perform: sts:AssumeRole on resource: "
                  + roleArn));
    }
    String sessionName = f.getOrDefault("RoleSessionName", "");
    if (!SESSION_NAME.matcher(sessionName).matches()) {
      return validation(
          "1 validation error detected: Value '"
              + sessionName
              + "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: [\\w+=,.@-]*");
    }
    String source = f.get("SourceIdentity");
    if (source != null && !SESSION_NAME.matcher(source).matches()) {
      return validation(
          "1 validation error detected: Value at 'sourceIdentity' failed to satisfy constraint");
    }
    int duration = Integer.parseInt(f.getOrDefault("DurationSeconds", "3600"));
    if (duration < 900 || duration > 43200) {
      return validation(
          "1 validation error detected: Value '"
              + duration
              + "' at 'durationSeconds' failed to satisfy constraint: Member must have value"
              + " less than or equal to 43200");
    }
    if (chainedCaller && duration > 3600) {
      return validation(
          "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by"
              + " role chaining.");
    }
    if (duration > max) {
      return validation(
          "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
    String policy = f.get("Policy");
    if (policy != null) {
      try {
        if (!JSON.readTree(policy).isObject()) {
          throw new IllegalArgumentException();
        }
      } catch (Exception ex) {
        return xml(
            400,
            xmlError(
                STS_NS,
                "Sender",
                "MalformedPolicyDocument",
                "The policy is not in the valid JSON"));
      }
    }
    String accessKeyId = "ASIA" + upperAlnum(16);
    byte[] token = new byte[180];
    RANDOM.nextBytes(token);
    String secret = CANARY + "-" + Base64.getEncoder().encodeToString(randomBytes(21));
    String sessionToken = CANARY + "-" + Base64.getEncoder().encodeToString(token);
    Instant issued = clock.instant();
    Instant expiration = issued.truncatedTo(ChronoUnit.SECONDS).plusSeconds(duration);
    sessions.put(
        accessKeyId, new Session(roleName, sessionName, accessKeyId, issued, expiration, duration));
    String roleId = "AROA3XFRBF535PLBIFPI4";
    return xml(
        200,
        "<AssumeRoleResponse xmlns=\""
            + STS_NS
            + "\">\n  <AssumeRoleResult>\n"
            + (source == null
                ? ""
                : "    <SourceIdentity>" + escape(source) + "</SourceIdentity>\n")
            + "    <AssumedRoleUser>\n      <Arn>arn:aws:sts::"
            + ACCOUNT
            + ":assumed-role/"
            + roleName
            + "/"
            + sessionName
            + "</Arn>\n      <AssumedRoleId>"
            + roleId
            + ":"
            + sessionName
            + "</AssumedRoleId>\n    </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>"
            + accessKeyId
            + "</AccessKeyId>\n      <SecretAccessKey>"
            + secret
            + "</SecretAccessKey>\n      <SessionToken>"
            + sessionToken
            + "</SessionToken>\n      <Expiration>"
            + expiration
            + "</Expiration>\n    </Credentials>\n    <PackedPolicySize>6</PackedPolicySize>\n"
            + "  </AssumeRoleResult>\n  <ResponseMetadata>\n    <RequestId>"
            + UUID.randomUUID()
            + "</RequestId>\n  </ResponseMetadata>\n</AssumeRoleResponse>");
  }

  private static ResponseDefinition validation(String message) {
    return xml(400, xmlError(STS_NS, "Sender", "ValidationError", message));
  }

  // ------------------------------------------------------------------ IAM

  private ResponseDefinition iam(ServeEvent e) {
    Map<String, String> f = form(e);
    String action = f.getOrDefault("Action", "");
    if (!"2010-05-08".equals(f.get("Version"))) {
      return xml(400, xmlError(IAM_NS, "Sender", "InvalidAction", "Could not find operation"));
    }
    return switch (action) {
      case "GetRole" -> getRole(f.getOrDefault("RoleName", ""));
      case "PutRolePolicy" -> putRolePolicy(f);
      case "AddUserToGroup" -> membership(f, true);
      case "RemoveUserFromGroup" -> membership(f, false);
      default ->
          xml(
              400,
              xmlError(IAM_NS, "Sender", "InvalidAction", "Could not find operation " + action));
    };
  }

  private ResponseDefinition getRole(String name) {
    Integer max = roles.get(name);
    if (max == null) {
      return noSuchEntity("The role with name " + name + " cannot be found.");
    }
    return xml(
        200,
        "<GetRoleResponse xmlns=\""
            + IAM_NS
            + "\">\n  <GetRoleResult>\n    <Role>\n      <Path>/portcullis/</Path>\n"
            + "      <Arn>arn:aws:iam::"
            + ACCOUNT
            + ":role/portcullis/"
            + name
            + "</Arn>\n      <RoleName>"
            + name
            + "</RoleName>\n      <AssumeRolePolicyDocument>"
            + "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"
            + "</AssumeRolePolicyDocument>\n      <Description>for tests</Description>\n"
            + "      <CreateDate>2025-05-08T23:34:01Z</CreateDate>\n"
            + "      <RoleId>AROADBQP57FF2AEXAMPLE</RoleId>\n      <MaxSessionDuration>"
            + max
            + "</MaxSessionDuration>\n      <RoleLastUsed><LastUsedDate>2026-11-20T10:00:00Z"
            + "</LastUsedDate><Region>us-east-1</Region></RoleLastUsed>\n    </Role>\n"
            + "  </GetRoleResult>\n  <ResponseMetadata>\n    <RequestId>"
            + UUID.randomUUID()
            + "</RequestId>\n  </ResponseMetadata>\n</GetRoleResponse>");
  }

  private ResponseDefinition putRolePolicy(Map<String, String> f) {
    String role = f.getOrDefault("RoleName", "");
    if (!roles.containsKey(role)) {
      return noSuchEntity("The role with name " + role + " cannot be found.");
    }
    String doc = f.getOrDefault("PolicyDocument", "");
    try {
      if (!JSON.readTree(doc).isObject()) {
        throw new IllegalArgumentException();
      }
    } catch (Exception ex) {
      return xml(
          400, xmlError(IAM_NS, "Sender", "MalformedPolicyDocument", "Syntax errors in policy."));
    }
    rolePolicies
        .computeIfAbsent(role, k -> new ConcurrentHashMap<>())
        .put(f.getOrDefault("PolicyName", ""), doc);
    return empty("PutRolePolicy");
  }

  private ResponseDefinition membership(Map<String, String> f, boolean add) {
    String group = f.getOrDefault("GroupName", "");
    String user = f.getOrDefault("UserName", "");
    if (!groups.containsKey(group)) {
      return noSuchEntity("The group with name " + group + " cannot be found.");
    }
    if (!users.contains(user)) {
      return noSuchEntity("The user with name " + user + " cannot be found.");
    }
    if (add) {
      groups.get(group).add(user);
    } else {
      groups.get(group).remove(user);
    }
    return empty(add ? "AddUserToGroup" : "RemoveUserFromGroup");
  }

  private static ResponseDefinition empty(String action) {
    return xml(
        200,
        "<"
            + action
            + "Response xmlns=\""
            + IAM_NS
            + "\">\n  <ResponseMetadata>\n    <RequestId>"
            + UUID.randomUUID()
            + "</RequestId>\n  </ResponseMetadata>\n</"
            + action
            + "Response>");
  }

  private static ResponseDefinition noSuchEntity(String message) {
    return xml(404, xmlError(IAM_NS, "Sender", "NoSuchEntity", message));
  }

  // ------------------------------------------------------------------ SSO Admin

  private ResponseDefinition sso(ServeEvent e) {
    String target = e.getRequest().getHeader("X-Amz-Target");
    Map<String, Object> b = body(e);
    if (target == null || !target.startsWith("SWBExternalService.")) {
      return json(400, error("UnknownOperationException", "unknown operation " + target));
    }
    if (!INSTANCE_ARN.equals(b.get("InstanceArn"))) {
      return json(
          400,
          error(
              "ValidationException",
              "The given instance ARN " + b.get("InstanceArn") + " is not valid"));
    }
    return switch (target.substring("SWBExternalService.".length())) {
      case "DescribePermissionSet" -> {
        String[] ps = permissionSets.get(String.valueOf(b.get("PermissionSetArn")));
        if (ps == null) {
          yield json(400, error("ResourceNotFoundException", "Could not find PermissionSet"));
        }
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("Name", ps[0]);
        set.put("PermissionSetArn", b.get("PermissionSetArn"));
        set.put("Description", "for tests");
        set.put("CreatedDate", 1.7E9);
        set.put("SessionDuration", ps[1]);
        yield json(200, Map.of("PermissionSet", set));
      }
      case "CreateAccountAssignment" -> assignment(b, true);
      case "DeleteAccountAssignment" -> assignment(b, false);
      case "DescribeAccountAssignmentCreationStatus" ->
          status(String.valueOf(b.get("AccountAssignmentCreationRequestId")), true);
      case "DescribeAccountAssignmentDeletionStatus" ->
          status(String.valueOf(b.get("AccountAssignmentDeletionRequestId")), false);
      default -> json(400, error("UnknownOperationException", "unknown operation " + target));
    };
  }

  private ResponseDefinition assignment(Map<String, Object> b, boolean create) {
    for (String field :
        List.of("TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId")) {
      if (b.get(field) == null) {
        return json(400, error("ValidationException", field + " is required"));
      }
    }
    if (!"AWS_ACCOUNT".equals(b.get("TargetType")) || !"USER".equals(b.get("PrincipalType"))) {
      return json(400, error("ValidationException", "unsupported target or principal type"));
    }
    if (conflicts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      // the real service also names the type with its namespace sometimes
      return json(
          400,
          error(
              "com.amazonaws.swbexternalservice#ConflictException",
              "An account assignment request is already in progress for this principal and"
                  + " permission set."));
    }
    String psArn = String.valueOf(b.get("PermissionSetArn"));
    if (!permissionSets.containsKey(psArn)) {
      return json(400, error("ResourceNotFoundException", "Could not find PermissionSet"));
    }
    String principal = String.valueOf(b.get("PrincipalId"));
    if (!directory.containsValue(principal)) {
      Map<String, Object> err = error("ResourceNotFoundException", "USER not found.");
      return json(400, err);
    }
    Assignment a = new Assignment(String.valueOf(b.get("TargetId")), psArn, principal);
    String failure = create ? nextCreationFailure : nextDeletionFailure;
    if (create) {
      nextCreationFailure = null;
    } else {
      nextDeletionFailure = null;
    }
    if (failure == null) {
      if (create) {
        assignments.add(a);
      } else {
        assignments.remove(a);
      }
    }
    Operation op = new Operation(create, a, pollsBeforeDone, failure, clock.instant());
    operations.put(op.requestId, op);
    return json(
        200,
        Map.of(
            create ? "AccountAssignmentCreationStatus" : "AccountAssignmentDeletionStatus",
            statusOf(op, op.pollsLeft.get() > 0 ? "IN_PROGRESS" : done(op))));
  }

  private ResponseDefinition status(String requestId, boolean creation) {
    Operation op = operations.get(requestId);
    if (op == null || op.creation != creation) {
      return json(400, error("ResourceNotFoundException", "Request " + requestId + " not found"));
    }
    String s = op.pollsLeft.decrementAndGet() > 0 ? "IN_PROGRESS" : done(op);
    return json(
        200,
        Map.of(
            creation ? "AccountAssignmentCreationStatus" : "AccountAssignmentDeletionStatus",
            statusOf(op, s)));
  }

  private static String done(Operation op) {
    return op.failureReason == null ? "SUCCEEDED" : "FAILED";
  }

  private static Map<String, Object> statusOf(Operation op, String status) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Status", status);
    m.put("RequestId", op.requestId);
    if ("FAILED".equals(status)) {
      m.put("FailureReason", op.failureReason);
    }
    m.put("TargetId", op.assignment.accountId());
    m.put("TargetType", "AWS_ACCOUNT");
    m.put("PermissionSetArn", op.assignment.permissionSetArn());
    m.put("PrincipalType", "USER");
    m.put("PrincipalId", op.assignment.principalId());
    m.put("CreatedDate", op.created.toEpochMilli() / 1000.0);
    return m;
  }

  // ------------------------------------------------------------------ Identity Store

  private ResponseDefinition ids(ServeEvent e) {
    String target = e.getRequest().getHeader("X-Amz-Target");
    Map<String, Object> b = body(e);
    if (!"AWSIdentityStore.GetUserId".equals(target)) {
      return json(400, error("UnknownOperationException", "unknown operation " + target));
    }
    if (!STORE_ID.equals(b.get("IdentityStoreId"))) {
      Map<String, Object> err = error("ResourceNotFoundException", "IDENTITY_STORE not found.");
      err.put("ResourceType", "IDENTITY_STORE");
      return json(400, err);
    }
    JsonNode unique = JSON.valueToTree(b).path("AlternateIdentifier").path("UniqueAttribute");
    String path = unique.path("AttributePath").asText();
    JsonNode value = unique.path("AttributeValue");
    if (!List.of("userName", "emails.value").contains(path) || !value.isTextual()) {
      return json(400, error("ValidationException", "Invalid AttributePath or AttributeValue"));
    }
    String id = directory.get(path + "=" + value.asText());
    if (id == null) {
      Map<String, Object> err = error("ResourceNotFoundException", "USER not found.");
      err.put("ResourceType", "USER");
      err.put("RequestId", UUID.randomUUID().toString());
      return json(400, err);
    }
    return json(200, Map.of("UserId", id, "IdentityStoreId", STORE_ID));
  }

  // ------------------------------------------------------------------ wire helpers

  private static final class Fake implements ResponseDefinitionTransformerV2 {
    final String name;
    final Function<ServeEvent, ResponseDefinition> handler;

    Fake(String name, Function<ServeEvent, ResponseDefinition> handler) {
      this.name = name;
      this.handler = handler;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
      return handler.apply(serveEvent);
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return name;
    }
  }

  static Map<String, String> form(ServeEvent e) {
    Map<String, String> m = new LinkedHashMap<>();
    String body = e.getRequest().getBodyAsString();
    if (body == null || body.isEmpty()) {
      return m;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      m.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return m;
  }

  private static Map<String, Object> body(ServeEvent e) {
    try {
      String s = e.getRequest().getBodyAsString();
      return s == null || s.isEmpty()
          ? Map.of()
          : JSON.readValue(s, new TypeReference<Map<String, Object>>() {});
    } catch (Exception ex) {
      throw new AssertionError("not JSON: " + e.getRequest().getBodyAsString(), ex);
    }
  }

  static String xmlError(String ns, String type, String code, String message) {
    return "<ErrorResponse xmlns=\""
        + ns
        + "\">\n  <Error>\n    <Type>"
        + type
        + "</Type>\n    <Code>"
        + code
        + "</Code>\n    <Message>"
        + escape(message)
        + "</Message>\n  </Error>\n  <RequestId>"
        + UUID.randomUUID()
        + "</RequestId>\n</ErrorResponse>";
  }

  static ResponseDefinitionBuilder xmlAnswer(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "text/xml")
        .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
        .withBody(body);
  }

  private static ResponseDefinition xml(int status, String body) {
    return xmlAnswer(status, body).build();
  }

  static Map<String, Object> error(String type, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("__type", type);
    m.put("Message", message);
    return m;
  }

  static ResponseDefinitionBuilder jsonAnswer(int status, Object body) {
    try {
      return aResponse()
          .withStatus(status)
          .withHeader("Content-Type", "application/x-amz-json-1.1")
          .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
          .withBody(JSON.writeValueAsString(body));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ResponseDefinition json(int status, Object body) {
    return jsonAnswer(status, body).build();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String hex(int bytes) {
    return HexFormat.of().formatHex(randomBytes(bytes));
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static String upperAlnum(int n) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Override
  public void close() {
    servers().forEach(WireMockServer::stop);
  }
}
