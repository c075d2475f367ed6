package io.portcullis.platform.secrets;

import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it is stored, shown or logged: the values a caller knows to be
 * secret, and whatever has the shape of one (assignments to password/secret/token/key fields,
 * bearer and basic credentials, Vault tokens, AWS keys, JWTs, PEM blocks, URLs with a password).
 * Errors from providers pass through here before they reach {@code last_error}, the ledger or a log
 * line.
 */
public final class Scrubber {

  /** Longest text kept; the rest is cut (provider error bodies can be long). */
  public static final int MAX_LENGTH = 500;

  static final String REDACTED = "<redacted>";

  private static final List<Pattern> SHAPES =
      List.of(
          // -----BEGIN ... PRIVATE KEY----- … -----END … -----
          Pattern.compile("-----BEGIN [A-Z0-9 ]+-----[\\s\\S]*?(-----END [A-Z0-9 ]+-----|$)"),
          // Authorization: Bearer x / Basic x
          Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}"),
          // JWTs
          Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*"),
          // Vault tokens (service, batch, recovery; legacy s./b./r.)
          Pattern.compile("\\bhv[sbr]\\.[A-Za-z0-9_-]{10,}"),
          Pattern.compile("\\b[sbr]\\.[A-Za-z0-9]{24}\\b"),
          // AWS access key ids
          Pattern.compile("\\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}\\b"),
          // user:password@ in URLs
          Pattern.compile("(?<=://)[^/\\s:@]+:[^/\\s@]+(?=@)"));

  /** key = value, key: value, "key": "value" for secret-sounding keys. */
  private static final Pattern ASSIGNMENT =
      Pattern.compile(
          "(?i)(\"?[a-z0-9_.-]*(password|passwd|pwd|secret|token|api[_-]?key|private[_-]?key|"
              + "access[_-]?key|session[_-]?key|credential|client[_-]?secret|signature)"
              + "[a-z0-9_.-]*\"?\\s*[:=]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;&}\\]]+)");

  private Scrubber() {}

  /** Scrubs shapes of secrets. */
  public static String scrub(String text) {
    return scrub(text, List.of());
  }

  /**
   * Scrubs known secret values and shapes of secrets, and cuts the text to {@link #MAX_LENGTH}.
   *
   * @param known values that must not appear (values shorter than 4 characters are ignored: they
   *     would mangle ordinary words)
   */
  public static String scrub(String text, Collection<String> known) {
    if (text == null) {
      return null;
    }
    String s = text;
    for (String k : known) {
      if (k != null && k.length() >= 4) {
        s = s.replace(k, REDACTED);
      }
    }
    Matcher m = ASSIGNMENT.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + REDACTED));
    }
    m.appendTail(out);
    s = out.toString();
    for (Pattern p : SHAPES) {
      s = p.matcher(s).replaceAll(REDACTED);
    }
    s = s.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "?");
    if (s.length() > MAX_LENGTH) {
      s = s.substring(0, MAX_LENGTH) + "…";
    }
    return s;
  }
}
