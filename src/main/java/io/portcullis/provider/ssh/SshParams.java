package io.portcullis.provider.ssh;

import io.portcullis.provider.InvalidParamException;
import io.portcullis.provider.ParamReader;
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
public record SshParams(
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

  private static final String PRINCIPALS_EXPECTED =
      "the users the certificate may log in as, e.g. principals: [ops]";

  /** Reads and checks the parameters. */
  static SshParams read(ParamReader p) throws InvalidParamException {
    p.onlyKnown(Set.of(PRINCIPALS, CRITICAL_OPTIONS, EXTENSIONS));
    return new SshParams(principals(p), criticalOptions(p), extensions(p));
  }

  private static List<String> principals(ParamReader p) throws InvalidParamException {
    if (p.raw(PRINCIPALS) == null) {
      throw p.invalid(PRINCIPALS, "is missing", PRINCIPALS_EXPECTED);
    }
    Set<String> out = new LinkedHashSet<>();
    for (String principal : p.texts(PRINCIPALS)) {
      if (!PRINCIPAL.matcher(principal).matches()) {
        throw p.invalid(
            PRINCIPALS,
            "holds " + ParamReader.shown(principal),
            "principals of 1 to 256 printable characters without spaces or commas");
      }
      out.add(principal);
    }
    if (out.isEmpty()) {
      throw p.invalid(
          PRINCIPALS,
          "is empty: OpenSSH would accept such a certificate for every user",
          PRINCIPALS_EXPECTED);
    }
    if (out.size() > MAX_PRINCIPALS) {
      throw p.invalid(PRINCIPALS, "names more than " + MAX_PRINCIPALS + " principals", null);
    }
    return List.copyOf(out);
  }

  private static Map<String, String> criticalOptions(ParamReader p) throws InvalidParamException {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : p.textMap(CRITICAL_OPTIONS).entrySet()) {
      String name = e.getKey();
      String param = CRITICAL_OPTIONS + "." + name;
      if (!KNOWN_CRITICAL_OPTIONS.contains(name)) {
        throw p.invalid(
            CRITICAL_OPTIONS,
            "names " + ParamReader.shown(name) + ", which sshd does not know and would refuse",
            "one of " + String.join(", ", new TreeSet<>(KNOWN_CRITICAL_OPTIONS)));
      }
      String v = e.getValue();
      if (v.isBlank()) {
        throw p.invalid(param, "is empty", "a text value");
      }
      if (v.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
        throw p.invalid(param, "holds control characters", null);
      }
      if (name.equals("source-address")) {
        for (String a : v.split(",", -1)) {
          if (!ADDRESS.matcher(a.strip()).matches()) {
            throw p.invalid(
                param,
                "holds " + ParamReader.shown(a),
                "addresses or CIDR blocks separated by commas, e.g. \"10.0.0.0/8,192.0.2.7\"");
          }
        }
        v = v.replace(" ", "");
      }
      out.put(name, v);
    }
    return out;
  }

  private static Map<String, String> extensions(ParamReader p) throws InvalidParamException {
    Map<String, String> out = new TreeMap<>();
    if (p.raw(EXTENSIONS) instanceof String) {
      throw p.invalid(EXTENSIONS, "must be a list, not a text", "e.g. [permit-pty]");
    }
    List<String> names = p.raw(EXTENSIONS) == null ? DEFAULT_EXTENSIONS : p.texts(EXTENSIONS);
    for (String name : names) {
      if (!KNOWN_EXTENSIONS.contains(name)) {
        throw p.invalid(
            EXTENSIONS,
            "names " + ParamReader.shown(name),
            "some of " + String.join(", ", new TreeSet<>(KNOWN_EXTENSIONS)));
      }
      out.put(name, "");
    }
    return out;
  }
}
