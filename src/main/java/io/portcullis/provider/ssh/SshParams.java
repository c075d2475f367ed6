package io.portcullis.provider.ssh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An entitlement's parameters for the {@code ssh} provider, from policy:
 *
 * <pre>
 *   provider:
 *     kind: ssh
 *     principals: [ops, deploy]                 # required
 *     criticalOptions: {source-address: "10.0.0.0/8", force-command: "/usr/bin/uptime"}
 *     extensions: [permit-pty, permit-port-forwarding]   # default [permit-pty]
 * </pre>
 *
 * @param principals the users (or AuthorizedPrincipalsFile names) the certificate is valid for
 * @param criticalOptions restrictions sshd enforces, by name (sorted, as OpenSSH requires)
 * @param extensions what sshd permits beyond a plain login, by name with empty values (sorted)
 */
record SshParams(
    List<String> principals, Map<String, String> criticalOptions, Map<String, String> extensions) {

  static final String PRINCIPALS = "principals";
  static final String CRITICAL_OPTIONS = "criticalOptions";
  static final String EXTENSIONS = "extensions";

  /** The extensions OpenSSH defines for user certificates. */
  static final Set<String> KNOWN_EXTENSIONS =
      Set.of(
          "permit-X11-forwarding",
          "permit-agent-forwarding",
          "permit-port-forwarding",
          "permit-pty",
          "permit-user-rc");

  static final List<String> DEFAULT_EXTENSIONS = List.of("permit-pty");

  /**
   * The critical options this provider sets. OpenSSH refuses a certificate with a critical option
   * it does not know, and {@code verify-required} only applies to FIDO keys, which are not
   * certified here.
   */
  static final Set<String> KNOWN_CRITICAL_OPTIONS = Set.of("force-command", "source-address");

  static final int MAX_PRINCIPALS = 256;

  private static final Pattern PRINCIPAL = Pattern.compile("[\\x21-\\x7e&&[^,]]{1,256}");
  private static final Pattern ADDRESS =
      Pattern.compile(
          "(\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/\\d{1,3})?)");

  /** A parameter that cannot be used; the message names it. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads and checks the parameters. */
  static SshParams of(Map<String, Object> params) throws Invalid {
    for (String name : params.keySet()) {
      if (!Set.of(PRINCIPALS, CRITICAL_OPTIONS, EXTENSIONS).contains(name)) {
        throw new Invalid(
            "unknown parameter '"
                + name
                + "' for provider ssh; known: principals, criticalOptions, extensions");
      }
    }
    return new SshParams(
        principals(params.get(PRINCIPALS)),
        criticalOptions(params.get(CRITICAL_OPTIONS)),
        extensions(params.get(EXTENSIONS)));
  }

  private static List<String> principals(Object value) throws Invalid {
    List<String> raw = new ArrayList<>();
    if (value instanceof String s) {
      raw.add(s);
    } else if (value instanceof Collection<?> c) {
      for (Object o : c) {
        if (!(o instanceof String s)) {
          throw new Invalid("parameter principals must be a list of names, not " + kindOf(o));
        }
        raw.add(s);
      }
    } else if (value == null) {
      throw new Invalid(
          "parameter principals is required: the users the certificate may log in as, e.g."
              + " principals: [ops]");
    } else {
      throw new Invalid("parameter principals must be a list of names, not " + kindOf(value));
    }
    Set<String> out = new LinkedHashSet<>();
    for (String p : raw) {
      if (!PRINCIPAL.matcher(p).matches()) {
        throw new Invalid(
            "parameter principals holds '"
                + printable(p)
                + "': a principal is 1 to 256 printable characters without spaces or commas");
      }
      out.add(p);
    }
    if (out.isEmpty()) {
      throw new Invalid(
          "parameter principals is empty: OpenSSH would accept such a certificate for every user;"
              + " name at least one");
    }
    if (out.size() > MAX_PRINCIPALS) {
      throw new Invalid("parameter principals names more than " + MAX_PRINCIPALS + " principals");
    }
    return List.copyOf(out);
  }

  private static Map<String, String> criticalOptions(Object value) throws Invalid {
    Map<String, String> out = new TreeMap<>();
    if (value == null) {
      return out;
    }
    if (!(value instanceof Map<?, ?> m)) {
      throw new Invalid(
          "parameter criticalOptions must be a map, e.g. {source-address: \"10.0.0.0/8\"}, not "
              + kindOf(value));
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (!KNOWN_CRITICAL_OPTIONS.contains(name)) {
        throw new Invalid(
            "parameter criticalOptions names '"
                + printable(name)
                + "'; sshd refuses certificates with critical options it does not know; allowed: "
                + String.join(", ", new TreeSet<>(KNOWN_CRITICAL_OPTIONS)));
      }
      if (!(e.getValue() instanceof String v) || v.isBlank()) {
        throw new Invalid("parameter criticalOptions." + name + " needs a text value");
      }
      if (v.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
        throw new Invalid("parameter criticalOptions." + name + " holds control characters");
      }
      if (name.equals("source-address")) {
        for (String a : v.split(",", -1)) {
          if (!ADDRESS.matcher(a.strip()).matches()) {
            throw new Invalid(
                "parameter criticalOptions.source-address holds '"
                    + printable(a)
                    + "'; give addresses or CIDR blocks separated by commas, e.g."
                    + " \"10.0.0.0/8,192.0.2.7\"");
          }
        }
        v = v.replace(" ", "");
      }
      out.put(name, v);
    }
    return out;
  }

  private static Map<String, String> extensions(Object value) throws Invalid {
    Map<String, String> out = new TreeMap<>();
    List<?> names;
    if (value == null) {
      names = DEFAULT_EXTENSIONS;
    } else if (value instanceof List<?> l) {
      names = l;
    } else {
      throw new Invalid(
          "parameter extensions must be a list, e.g. [permit-pty], not " + kindOf(value));
    }
    for (Object o : names) {
      String name = String.valueOf(o);
      if (!KNOWN_EXTENSIONS.contains(name)) {
        throw new Invalid(
            "parameter extensions names '"
                + printable(name)
                + "'; allowed: "
                + String.join(", ", new TreeSet<>(KNOWN_EXTENSIONS)));
      }
      out.put(name, "");
    }
    return out;
  }

  private static String kindOf(Object o) {
    if (o instanceof Map<?, ?>) {
      return "a map";
    }
    if (o instanceof Collection<?>) {
      return "a list";
    }
    return o == null ? "nothing" : "'" + printable(String.valueOf(o)) + "'";
  }

  private static String printable(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() <= 60 ? p : p.substring(0, 60) + "…";
  }
}
