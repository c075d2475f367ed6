package io.portcullis.provider;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An entitlement's provider parameter cannot be used. Always {@link Kind#PERMANENT}: retrying with
 * the same policy cannot help. The message names the provider kind, the parameter, what is wrong
 * and what is expected, e.g. {@code vault-secret parameter 'wrap' must be an ISO-8601 duration, not
 * 'soon'; expected a duration from PT1S to PT24H, e.g. PT5M}. Policy load reports it at the
 * parameter's file and line.
 */
public class InvalidParamException extends ProviderException {

  private static final long serialVersionUID = 1L;

  private final String providerKind;
  private final String param;
  private final String problem;
  private final String expected;
  private final Set<String> allowed;

  /**
   * @param providerKind the provider kind, e.g. {@code postgres}
   * @param param the parameter at fault
   * @param problem what is wrong, e.g. "is missing"
   * @param expected what would be right, e.g. "the roles to grant, e.g. roles: [reader]", or null
   * @param allowed the parameter names the kind takes, when {@code param} is not one of them
   */
  InvalidParamException(
      String providerKind, String param, String problem, String expected, Set<String> allowed) {
    super(
        Kind.PERMANENT,
        providerKind
            + " parameter '"
            + param
            + "' "
            + problem
            + (expected == null ? "" : "; expected " + expected));
    this.providerKind = Objects.requireNonNull(providerKind, "providerKind");
    this.param = Objects.requireNonNull(param, "param");
    this.problem = Objects.requireNonNull(problem, "problem");
    this.expected = expected;
    this.allowed = allowed == null ? Set.of() : Set.copyOf(new TreeSet<>(allowed));
  }

  /** The provider kind whose parameter this is. */
  public String providerKind() {
    return providerKind;
  }

  /** The parameter at fault, as policy names it. */
  public String param() {
    return param;
  }

  /** What is wrong, without the kind and parameter (e.g. "is missing"). */
  public String problem() {
    return problem;
  }

  /** What would be right, or null. */
  public String expected() {
    return expected;
  }

  /** For an unknown parameter: the names the kind takes; otherwise empty. */
  public Set<String> allowed() {
    return allowed;
  }
}
