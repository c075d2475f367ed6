package io.portcullis.catalog.model;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Group names in policy that may be patterns: {@code *} stands for any run of characters (none
 * included), everything else is literal and compared exactly, as group names are. {@code team-*}
 * matches {@code team-payments} and {@code team-}, not {@code teams}.
 */
public final class GroupPatterns {

  private GroupPatterns() {}

  /** Whether an entry is a pattern rather than one group's name. */
  public static boolean isPattern(String entry) {
    return entry.indexOf('*') >= 0;
  }

  /** Whether {@code group} is the group {@code entry} names, or one its pattern matches. */
  public static boolean matches(String entry, String group) {
    if (!isPattern(entry)) {
      return entry.equals(group);
    }
    StringBuilder regex = new StringBuilder();
    int from = 0;
    for (int star = entry.indexOf('*'); star >= 0; star = entry.indexOf('*', from)) {
      regex.append(Pattern.quote(entry.substring(from, star))).append(".*");
      from = star + 1;
    }
    regex.append(Pattern.quote(entry.substring(from)));
    return Pattern.matches(regex.toString(), group);
  }

  /** Whether any entry names or matches {@code group}. */
  public static boolean anyMatches(Collection<String> entries, String group) {
    for (String e : entries) {
      if (matches(e, group)) {
        return true;
      }
    }
    return false;
  }
}
