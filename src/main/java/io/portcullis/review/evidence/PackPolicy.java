package io.portcullis.review.evidence;

import io.portcullis.audit.AuditRecord;
import io.portcullis.catalog.edit.UnifiedDiff;
import io.portcullis.catalog.load.PolicyFiles;
import io.portcullis.platform.json.CanonicalJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code policy/} folder of an evidence pack: the files in force at the period's start and when
 * the campaign opened, their diff and the period's policy events, rendered the same way by the
 * service that writes a pack and the verifier that recomputes it.
 */
public final class PackPolicy {

  /** Where the files in force when the campaign opened go. */
  public static final String AT_OPEN = "policy/at-open/";

  /** Where the files in force at the period's start go. */
  public static final String AT_START = "policy/at-start/";

  private PackPolicy() {}

  /** Policy files by name, sorted. */
  public static Map<String, String> byName(List<PolicyFiles.PolicyFile> files) {
    Map<String, String> m = new TreeMap<>();
    files.forEach(f -> m.put(f.name(), f.text()));
    return m;
  }

  /** The unified diff from the files at the period's start to those at opening, file by file. */
  public static String diff(Map<String, String> atStart, Map<String, String> atOpen) {
    TreeSet<String> names = new TreeSet<>(atStart.keySet());
    names.addAll(atOpen.keySet());
    StringBuilder diff = new StringBuilder();
    for (String name : names) {
      String before = atStart.getOrDefault(name, "");
      String after = atOpen.getOrDefault(name, "");
      if (!before.equals(after)) {
        diff.append(UnifiedDiff.of(name, before, after));
      }
    }
    return diff.toString();
  }

  /** {@code policy/events.jsonl}: one canonical JSON line per policy event. */
  public static String events(List<AuditRecord> events) {
    StringBuilder out = new StringBuilder();
    for (AuditRecord e : events) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("seq", e.seq());
      line.put("at", e.occurredAt().toString());
      line.put("type", e.type());
      line.put("details", e.details());
      out.append(CanonicalJson.write(line)).append('\n');
    }
    return out.toString();
  }
}
