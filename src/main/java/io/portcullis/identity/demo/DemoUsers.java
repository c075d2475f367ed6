package io.portcullis.identity.demo;

import io.portcullis.identity.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in demo users. Each one's password is the user name. They exist only while {@code
 * portcullis.demo.enabled=true}, which the prod profile refuses.
 */
public final class DemoUsers {

  /** Security identity attribute that carries the demo {@link Caller}. */
  public static final String CALLER_ATTRIBUTE = "portcullis.demo.caller";

  private static final Caller.Authentication PASSWORD =
      new Caller.Authentication("demo-password", "demo-password", List.of("pwd"));

  private static final Map<String, Caller> USERS = new LinkedHashMap<>();

  static {
    add("alice", "Alice (engineer)", Set.of("engineers"));
    add("bob", "Bob (approver)", Set.of("approvers", "payments-owners"));
    add("carol", "Carol (approver)", Set.of("approvers", "platform-owners"));
    add("dana", "Dana (auditor)", Set.of("auditors"));
    add("admin", "Admin", Set.of("admins"));
  }

  private DemoUsers() {}

  private static void add(String user, String name, Set<String> groups) {
    USERS.put(
        user,
        new Caller("demo:" + user, name, user + "@example.com", true, groups, PASSWORD, Map.of()));
  }

  /** All demo users by user name, in display order. */
  public static Map<String, Caller> all() {
    return Map.copyOf(USERS);
  }

  /** User names in display order. */
  public static List<String> names() {
    return List.copyOf(USERS.keySet());
  }

  /** The user, if the name is a demo user. */
  public static Optional<Caller> find(String user) {
    return Optional.ofNullable(user == null ? null : USERS.get(user));
  }

  /** Checks a password in constant time; the password of each demo user is its name. */
  public static Optional<Caller> verify(String user, char[] password) {
    Optional<Caller> caller = find(user);
    byte[] expected = (caller.isPresent() ? user : "\u0000").getBytes(StandardCharsets.UTF_8);
    byte[] given = new String(password).getBytes(StandardCharsets.UTF_8);
    boolean ok = MessageDigest.isEqual(expected, given);
    return ok ? caller : Optional.empty();
  }
}
