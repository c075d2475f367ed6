package io.portcullis.identity;

import io.portcullis.identity.demo.DemoUsers;
import io.portcullis.platform.json.CanonicalJson;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The {@link Caller} of the current request, read once from the security identity. */
@RequestScoped
public class CurrentCaller {

  private final SecurityIdentity identity;
  private final IdentityConfig config;
  private Caller caller;

  CurrentCaller(SecurityIdentity identity, IdentityConfig config) {
    this.identity = identity;
    this.config = config;
  }

  /**
   * The caller.
   *
   * @throws IllegalStateException for an anonymous request (paths that reach domain code are
   *     authenticated by the HTTP policy, so this is a programming error)
   */
  public Caller get() {
    if (caller == null) {
      if (identity.isAnonymous()) {
        throw new IllegalStateException("No authenticated caller on this request");
      }
      caller = read(identity, config);
    }
    return caller;
  }

  static Caller read(SecurityIdentity identity, IdentityConfig config) {
    Caller demo = identity.getAttribute(DemoUsers.CALLER_ATTRIBUTE);
    if (demo != null) {
      return demo;
    }
    if (identity.getPrincipal() instanceof JsonWebToken jwt) {
      return fromToken(jwt, config);
    }
    throw new IllegalStateException(
        "Unsupported identity type " + identity.getPrincipal().getClass().getName());
  }

  /**
   * Reads subject, name, email (and whether it is verified), groups, authentication strength and
   * time, and the allow-listed claims from a verified token.
   */
  public static Caller fromToken(JsonWebToken jwt, IdentityConfig config) {
    String name = null;
    for (String claim : config.nameClaims()) {
      name = string(jwt.getClaim(claim));
      if (name != null && !name.isBlank()) {
        break;
      }
    }
    Set<String> groups = new LinkedHashSet<>(strings(claimAt(jwt, config.groupsClaim())));
    Map<String, Object> claims = new LinkedHashMap<>();
    for (String claim : config.celClaims().orElse(Set.of())) {
      Object value = plain(claimAt(jwt, claim));
      if (value != null && CanonicalJson.write(Map.of("v", value)).length() <= MAX_CLAIM_CHARS) {
        claims.put(claim, value);
      }
    }
    return new Caller(
        jwt.getSubject(),
        name,
        string(jwt.getClaim("email")),
        isTrue(claimAt(jwt, config.emailVerifiedClaim())),
        groups,
        new Caller.Authentication(
            "oidc",
            string(jwt.getClaim("acr")),
            strings(jwt.getClaim("amr")),
            epochSeconds(jwt.getClaim("auth_time"))),
        claims);
  }

  /** Longest claim (as JSON) passed to policy expressions; longer ones are left out. */
  static final int MAX_CLAIM_CHARS = 4096;

  private static boolean isTrue(Object value) {
    if (value == null || value == JsonValue.NULL) {
      return false;
    }
    if (value == JsonValue.TRUE || Boolean.TRUE.equals(value)) {
      return true;
    }
    // some identity providers send the boolean as a string
    return "true".equalsIgnoreCase(string(value));
  }

  /** A NumericDate claim; absent, zero (what the JWT library reports for a missing one) → null. */
  private static Instant epochSeconds(Object value) {
    long seconds = 0;
    if (value instanceof JsonNumber n) {
      seconds = n.longValue();
    } else if (value instanceof Number n) {
      seconds = n.longValue();
    } else {
      String s = string(value);
      if (s != null && s.matches("[0-9]{1,12}")) {
        seconds = Long.parseLong(s);
      }
    }
    return seconds > 0 ? Instant.ofEpochSecond(seconds) : null;
  }

  /**
   * A claim as a plain Java value for policy expressions: String, Long, Boolean, List or Map; null
   * for JSON null, numbers that are not integers (they cannot be hashed reproducibly) and anything
   * else.
   */
  public static Object plain(Object value) {
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
      return value == JsonValue.TRUE;
    }
    if (value instanceof JsonString s) {
      return s.getString();
    }
    if (value instanceof JsonNumber n) {
      return n.isIntegral() ? n.longValue() : null;
    }
    if (value instanceof JsonArray a) {
      List<Object> out = new ArrayList<>();
      for (JsonValue v : a) {
        Object p = plain(v);
        if (p != null) {
          out.add(p);
        }
      }
      return out;
    }
    if (value instanceof JsonObject o) {
      Map<String, Object> out = new TreeMap<>();
      o.forEach(
          (k, v) -> {
            Object p = plain(v);
            if (p != null) {
              out.put(k, p);
            }
          });
      return out;
    }
    if (value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return ((Number) value).longValue();
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach(
          (k, v) -> {
            Object p = plain(v);
            if (k != null && p != null) {
              out.put(k.toString(), p);
            }
          });
      return out;
    }
    if (value instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>();
      for (Object o : c) {
        Object p = plain(o);
        if (p != null) {
          out.add(p);
        }
      }
      return out;
    }
    return null;
  }

  private static Object claimAt(JsonWebToken jwt, String path) {
    String[] parts = path.split("/");
    Object value = jwt.getClaim(parts[0]);
    for (int i = 1; i < parts.length && value != null; i++) {
      value = value instanceof JsonObject o ? o.get(parts[i]) : null;
    }
    return value;
  }

  private static String string(Object value) {
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (value instanceof JsonString s) {
      return s.getString();
    }
    return value.toString();
  }

  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (JsonValue v : array) {
        if (v instanceof JsonString s) {
          out.add(s.getString());
        }
      }
    } else if (value instanceof Collection<?> c) {
      for (Object o : c) {
        String s = string(o);
        if (s != null) {
          out.add(s);
        }
      }
    } else if (value != null && value != JsonValue.NULL) {
      String s = string(value);
      for (String part : s.split("[,\\s]+")) {
        if (!part.isBlank()) {
          out.add(part);
        }
      }
    }
    return out;
  }
}
