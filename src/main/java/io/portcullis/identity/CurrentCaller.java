package io.portcullis.identity;

import io.portcullis.identity.demo.DemoUsers;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

  /** Reads subject, name, email, groups and authentication strength from a verified token. */
  public static Caller fromToken(JsonWebToken jwt, IdentityConfig config) {
    String name = null;
    for (String claim : config.nameClaims()) {
      name = string(jwt.getClaim(claim));
      if (name != null && !name.isBlank()) {
        break;
      }
    }
    Set<String> groups = new LinkedHashSet<>(strings(claimAt(jwt, config.groupsClaim())));
    return new Caller(
        jwt.getSubject(),
        name,
        string(jwt.getClaim("email")),
        groups,
        new Caller.Authentication(
            "oidc", string(jwt.getClaim("acr")), strings(jwt.getClaim("amr"))));
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
