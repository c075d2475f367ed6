package io.portcullis.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * How tests call the API: who calls (a demo user over HTTP Basic, or a person the test OIDC
 * provider vouches for) and JSON bodies written by Jackson, never pieced together from strings:
 *
 * <pre>{@code
 * as("alice").body(json("decision", "APPROVE", "comment", "ok")).post(...);
 * submit(person(fresh("eng"), "engineers"), request("demo-db-admin", "PT1H", "fixing it")
 *     .put("ticket", "INC-1"));
 * }</pre>
 *
 * A body meant to be malformed is the one thing a test still writes as a literal string.
 */
public final class Http {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .build();

  /** A real OpenSSH public key (test only), for entitlements of the ssh provider. */
  public static final String PUBLIC_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMj8V9NjcTNjy1bm+UNKpDMto5yKda/6xf5zNtskFXI+ alice@laptop";

  private Http() {}

  // JSON bodies

  /**
   * A JSON object of names and values in turn, as text: {@code json("ticket", "INC-1", "duration",
   * "PT1H")}. A value is anything Jackson writes: a string, number, boolean, null, list, map,
   * {@code java.time} value (ISO-8601) or a node of {@link #object}. {@code json()} is {@code {}}.
   */
  public static String json(Object... namesAndValues) {
    return write(object(namesAndValues));
  }

  /** The same object as a node, to add fields to ({@code object(...).put("start", t)}) or nest. */
  public static ObjectNode object(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "names and values come in pairs: " + Arrays.toString(namesAndValues));
    }
    ObjectNode node = JSON.createObjectNode();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (!(namesAndValues[i] instanceof String name)) {
        throw new IllegalArgumentException("a field name is a string, not " + namesAndValues[i]);
      }
      Object value = namesAndValues[i + 1];
      node.set(name, value == null ? NullNode.getInstance() : JSON.valueToTree(value));
    }
    return node;
  }

  /** A node as JSON text. */
  public static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // Who calls

  /** A demo user over HTTP Basic (the password is the user name), sending JSON. */
  public static RequestSpecification as(String demoUser) {
    return given().auth().preemptive().basic(demoUser, demoUser).contentType("application/json");
  }

  /** A person the test OIDC provider vouches for, in these groups, sending JSON. */
  public static RequestSpecification person(String subject, String... groups) {
    return given()
        .auth()
        .oauth2(Tokens.token(subject, Set.of(groups)))
        .contentType("application/json");
  }

  /**
   * A person of the test OIDC provider with, when given, a verified email and the sign-in methods
   * ({@code amr}) of a sign-in just now by the application's clock (step-up checks auth_time).
   */
  public static RequestSpecification bearer(
      String subject, String email, Set<String> groups, List<String> amr) {
    JwtClaimsBuilder claims = Tokens.claims(subject, groups);
    if (email != null) {
      // the emails tests give are the person's own, as the identity provider verified them
      claims.claim("email", email).claim("email_verified", true);
    }
    if (amr != null) {
      claims.claim("amr", amr);
      claims.claim("auth_time", new TestClock().instant().getEpochSecond());
    }
    return given().auth().oauth2(Tokens.sign(claims)).contentType("application/json");
  }

  /**
   * A subject nobody else uses ({@code prefix-<uuid>}), so that a test meets only its own requests
   * and grants whatever ran before it.
   */
  public static String fresh(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  // Requests and reviews

  /** The body of a request for one entitlement; add start, ticket, inputs or breakGlass to it. */
  public static ObjectNode request(String entitlement, String duration, String justification) {
    return object(
        "entitlements", List.of(entitlement),
        "duration", duration,
        "justification", justification);
  }

  /** {@code POST /api/v1/requests} with this body. */
  public static Response submit(RequestSpecification who, ObjectNode body) {
    return who.body(write(body)).post("/api/v1/requests");
  }

  /**
   * Asks for one entitlement; one of the ssh provider (its name has "ssh") gets {@link #PUBLIC_KEY}
   * as its {@code publicKey} input.
   */
  public static Response submit(
      RequestSpecification who, String entitlement, String duration, String justification) {
    ObjectNode body = request(entitlement, duration, justification);
    if (entitlement.contains("ssh")) {
      body.set("inputs", object("publicKey", PUBLIC_KEY));
    }
    return submit(who, body);
  }

  /** Reviews a request; a null comment is sent as null. */
  public static Response review(
      RequestSpecification who, String requestId, String decision, String comment) {
    return who.body(json("decision", decision, "comment", comment))
        .post("/api/v1/requests/" + requestId + "/reviews");
  }
}
