package io.portcullis.review.evidence.verify;

import io.portcullis.platform.json.CanonicalJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code make verify-pack} found: one line per check, in the order an auditor reads them, and
 * the verdict. The first failed check is <em>the</em> problem; checks after it still ran where they
 * could, so the report shows everything that is wrong.
 *
 * @param pack the file verified
 * @param campaign the campaign's id, title and period as the (verified) manifest gives them, or
 *     null when the manifest could not be trusted
 * @param checks every check run
 * @param exitCode {@link #INTACT}, {@link #TAMPERED} or {@link #USAGE}
 */
public record PackReport(String pack, String campaign, List<Check> checks, int exitCode) {

  /** Exit code: every check passed. */
  public static final int INTACT = 0;

  /** Exit code: the pack is not what was signed, or its rows are not what the ledger gives. */
  public static final int TAMPERED = 1;

  /** Exit code: bad arguments, or a file that cannot be read or is not a ZIP. */
  public static final int USAGE = 2;

  public PackReport {
    checks = List.copyOf(checks);
  }

  /**
   * One check.
   *
   * @param name short name (signature, files, ledger, policy, campaign, snapshot, a file name)
   * @param ok whether it passed
   * @param detail what was found: the evidence when it passed, the problem when it did not
   */
  public record Check(String name, boolean ok, String detail) {}

  /** Whether every check passed. */
  public boolean intact() {
    return exitCode == INTACT;
  }

  /** The first failed check's problem, or null. */
  public String problem() {
    return checks.stream()
        .filter(c -> !c.ok())
        .findFirst()
        .map(c -> c.name() + ": " + c.detail())
        .orElse(null);
  }

  /** The short human report: a line per check, then the verdict. */
  public String human() {
    StringBuilder out = new StringBuilder();
    out.append("evidence pack ").append(pack).append('\n');
    if (campaign != null) {
      out.append("  ").append(campaign).append('\n');
    }
    int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
    for (Check c : checks) {
      out.append(c.ok() ? "  ok      " : "  FAILED  ")
          .append(c.name())
          .append(" ".repeat(width - c.name().length() + 2))
          .append(c.detail())
          .append('\n');
    }
    if (intact()) {
      out.append(
          "intact: signed by a key you gave, every file as signed, the ledger extract's chain and"
              + " checkpoints verified, and every row recomputed from it\n");
    } else {
      out.append("NOT INTACT: ").append(problem()).append('\n');
    }
    return out.toString();
  }

  /** The report as one JSON object (sorted members). */
  public String json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pack", pack);
    m.put("campaign", campaign);
    m.put("intact", intact());
    m.put("exitCode", (long) exitCode);
    m.put("problem", problem());
    List<Object> list = new ArrayList<>();
    for (Check c : checks) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("check", c.name());
      one.put("ok", c.ok());
      one.put("detail", c.detail());
      list.add(one);
    }
    m.put("checks", list);
    return CanonicalJson.write(m) + "\n";
  }
}
