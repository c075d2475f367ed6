package io.portcullis.web;

import io.portcullis.catalog.api.CatalogResource.ApprovalPreview;
import io.portcullis.catalog.api.CatalogResource.ApprovalPreviews;
import io.portcullis.catalog.api.CatalogResource.CatalogEntry;
import io.portcullis.platform.error.Problem;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the catalog page shows: the entitlements offered, filtered by the search form (a GET form,
 * so that it works without JavaScript), and the one request form that asks for those ticked, with
 * what was typed so far.
 *
 * @param filter the search and filters, as the query gave them
 * @param cards every entitlement offered; those the filter leaves out are hidden (never a ticked
 *     one), so that the page's script can show them again as the person types
 * @param typed what the request form held (a refused or previewed form), by field name
 * @param preview who would approve the ticked entitlements, or null when none is ticked
 */
public record CatalogView(
    Filter filter,
    List<Card> cards,
    Map<String, String> typed,
    ApprovalPreviews preview,
    List<String> zones) {

  /** The search form: text, environment, risk, a label ({@code team=payments}), "may now". */
  public record Filter(String q, String environment, String risk, String label, boolean may) {

    public static Filter of(String q, String environment, String risk, String label, String may) {
      return new Filter(
          blankless(q), blankless(environment), blankless(risk), blankless(label), may != null);
    }

    private static String blankless(String s) {
      return s == null || s.isBlank() ? null : s.strip();
    }

    /** Whether the entry matches every filter given. */
    boolean matches(CatalogEntry e) {
      if (environment != null && !environment.equals(e.environment())) {
        return false;
      }
      if (risk != null && !risk.equals(e.risk())) {
        return false;
      }
      if (label != null && !labels(e).contains(label)) {
        return false;
      }
      if (may && !mayNow(e)) {
        return false;
      }
      if (q != null) {
        String text = searchText(e);
        for (String word : q.toLowerCase(Locale.ROOT).split("\\s+")) {
          if (!word.isEmpty() && !text.contains(word)) {
            return false;
          }
        }
      }
      return true;
    }
  }

  /**
   * One entitlement of the catalog.
   *
   * @param selected ticked in the request form
   * @param hidden left out by the filter
   * @param error why the last submission was refused for this entitlement, or null
   */
  public record Card(CatalogEntry e, boolean selected, boolean hidden, String error) {

    /** "4 h": the longest a request may last. */
    public String max() {
      return RequestFormFields.words(Duration.parse(e.maxDuration()));
    }

    public long maxMinutes() {
      return Duration.parse(e.maxDuration()).toMinutes();
    }

    public String defaultWords() {
      return RequestFormFields.words(Duration.parse(e.defaultDuration()));
    }

    /** The words the page's script searches in: id, description, labels, where it lives. */
    public String search() {
      return searchText(e);
    }

    /** {@code team=payments data=customer}, for the label filter. */
    public String labelList() {
      return String.join(" ", labels(e));
    }

    public boolean mayNow() {
      return CatalogView.mayNow(e);
    }

    /** The provider inputs' names, space-separated, for the page's script. */
    public String inputNames() {
      return String.join(" ", e.inputs().keySet());
    }
  }

  /** A duration preset of the select. */
  public record Preset(String value, String words, long minutes, boolean disabled) {}

  /** A provider input the form asks for, with the entitlements that need it. */
  public record Input(String name, String help, List<String> entitlements, boolean needed) {
    public String forList() {
      return String.join(", ", entitlements);
    }

    /** The input's name in words: {@code publicKey} reads "Public key". */
    public String label() {
      String words = name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
      return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** The id of its field, as the label and the error name it. */
    public String fieldId() {
      return "input-" + name;
    }
  }

  static String searchText(CatalogEntry e) {
    StringBuilder b = new StringBuilder();
    b.append(e.id()).append(' ').append(e.description() == null ? "" : e.description());
    b.append(' ').append(e.environment()).append(' ').append(e.system());
    e.labels().forEach((k, v) -> b.append(' ').append(k).append(' ').append(v));
    return b.toString().toLowerCase(Locale.ROOT);
  }

  static List<String> labels(CatalogEntry e) {
    return e.labels().entrySet().stream().map(x -> x.getKey() + "=" + x.getValue()).toList();
  }

  /** Neither suspended for the caller nor offered only as break-glass. */
  static boolean mayNow(CatalogEntry e) {
    return e.suspended().isEmpty()
        && e.eligibleAs() != null
        && !e.eligibleAs().startsWith("break-glass only");
  }

  /** The form's zones: UTC first, then the region zones (Europe/Berlin, …) by name. */
  static final List<String> ZONES = allZones();

  private static List<String> allZones() {
    List<String> out = new ArrayList<>();
    out.add("UTC");
    new TreeSet<>(ZoneId.getAvailableZoneIds())
        .stream()
            .filter(z -> z.contains("/") && !z.startsWith("Etc/") && !z.startsWith("SystemV/"))
            .filter(z -> Character.isUpperCase(z.charAt(0)))
            .forEach(out::add);
    return List.copyOf(out);
  }

  // ---- what the template reads ----

  public List<Card> selected() {
    return cards.stream().filter(Card::selected).toList();
  }

  public int shownCount() {
    return (int) cards.stream().filter(c -> !c.hidden()).count();
  }

  public String value(String field) {
    return typed.get(field);
  }

  /** What was typed into provider input {@code name}. */
  public String inputValue(String name) {
    return typed.get("input." + name);
  }

  public List<String> units() {
    return RequestFormFields.UNITS;
  }

  /** The longest minimum justification of the ticked entitlements (or of all offered). */
  public int minJustification() {
    return bounding().stream().mapToInt(c -> c.e().minJustificationLength()).max().orElse(0);
  }

  /** Whether a ticked entitlement (or, with none ticked, any offered) needs a ticket. */
  public boolean ticketRequired() {
    return bounding().stream().anyMatch(c -> c.e().ticketRequired());
  }

  /** The ticket patterns of the ticked entitlements (or of all offered). */
  public Set<String> ticketPatterns() {
    Set<String> out = new TreeSet<>();
    bounding().stream().map(c -> c.e().ticketPattern()).filter(p -> p != null).forEach(out::add);
    return out;
  }

  public Set<String> environments() {
    return new TreeSet<>(cards.stream().map(c -> c.e().environment()).toList());
  }

  public Set<String> risks() {
    return new TreeSet<>(cards.stream().map(c -> c.e().risk()).toList());
  }

  public Set<String> labelChoices() {
    Set<String> out = new TreeSet<>();
    cards.forEach(c -> out.addAll(labels(c.e())));
    return out;
  }

  /** The entitlements the duration is bounded by: the ticked ones, else every one offered. */
  private Collection<Card> bounding() {
    List<Card> s = selected();
    return s.isEmpty() ? cards : s;
  }

  /** The longest duration the ticked entitlements all allow, in minutes. */
  public long maxMinutes() {
    return bounding().stream().mapToLong(Card::maxMinutes).min().orElse(0);
  }

  /** "4 h": the longest duration the ticked entitlements all allow. */
  public String maxWords() {
    return RequestFormFields.words(Duration.ofMinutes(maxMinutes()));
  }

  /** The presets up to the largest maximum offered; those over the ticked ones' are disabled. */
  public List<Preset> presets() {
    long largest = cards.stream().mapToLong(Card::maxMinutes).max().orElse(0);
    long limit = maxMinutes();
    List<Preset> out = new ArrayList<>();
    for (Duration d : RequestFormFields.PRESETS) {
      if (d.toMinutes() <= largest) {
        out.add(
            new Preset(
                d.toString(), RequestFormFields.words(d), d.toMinutes(), d.toMinutes() > limit));
      }
    }
    return out;
  }

  /**
   * The duration select's value: what was chosen, else the (shortest) default of the ticked
   * entitlements when it is a preset, else one hour if offered, else the first preset.
   */
  public String durationChoice() {
    String chosen = typed.get("duration");
    if (chosen != null && !chosen.isBlank()) {
      return chosen;
    }
    List<Preset> presets = presets().stream().filter(p -> !p.disabled()).toList();
    long wanted =
        selected().stream()
            .mapToLong(c -> Duration.parse(c.e().defaultDuration()).toMinutes())
            .min()
            .orElse(60);
    for (Preset p : presets) {
      if (p.minutes() == wanted) {
        return p.value();
      }
    }
    return presets.isEmpty() ? RequestFormFields.CUSTOM : presets.get(presets.size() - 1).value();
  }

  /** The zone of the start: what was sent, else UTC. */
  public String zone() {
    String z = typed.get("zone");
    return z == null || z.isBlank() ? "UTC" : z;
  }

  /** The provider inputs of every entitlement offered, each with those that need it. */
  public List<Input> inputs() {
    Map<String, String> help = new LinkedHashMap<>();
    Map<String, List<String>> needs = new LinkedHashMap<>();
    for (Card c : cards) {
      c.e()
          .inputs()
          .forEach(
              (name, text) -> {
                help.putIfAbsent(name, text);
                needs.computeIfAbsent(name, k -> new ArrayList<>()).add(c.e().id());
              });
    }
    List<Input> out = new ArrayList<>();
    help.forEach(
        (name, text) -> {
          List<String> ids = needs.get(name);
          boolean needed = selected().stream().anyMatch(c -> ids.contains(c.e().id()));
          out.add(new Input(name, text, ids, needed));
        });
    return out;
  }

  /** Whether any ticked entitlement (or, with none ticked, any offered) allows break-glass. */
  public boolean breakGlass() {
    return bounding().stream().anyMatch(c -> c.e().breakGlass());
  }

  /** The preview's lines per entitlement, in words. */
  public List<PreviewLines> previewLines() {
    if (preview == null) {
      return List.of();
    }
    return preview.entitlements().stream().map(PreviewLines::new).toList();
  }

  /** One entitlement of the approvers' preview, in words. */
  public record PreviewLines(ApprovalPreview p) {
    /** "Approved at once by rule engineers-read-up-to-1h", or null when people approve. */
    public String auto() {
      return p.autoApprovedBy() == null ? null : "approved at once by rule " + p.autoApprovedBy();
    }

    /** "approvers: 1 approval from group approvers" per stage, in order. */
    public List<String> stages() {
      List<String> out = new ArrayList<>();
      int i = 1;
      for (var s : p.stages()) {
        out.add(
            (p.stages().size() > 1 ? "Stage " + i + ", " : "Stage ")
                + s.name()
                + ": "
                + s.approvals()
                + (s.approvals() == 1 ? " approval" : " approvals")
                + " from "
                + (s.reviewers().isEmpty()
                    ? "nobody but you: no one can approve"
                    : String.join(", ", s.reviewers()))
                + " (never you)");
        i++;
      }
      return out;
    }
  }

  /**
   * The catalog page's content: every entitlement offered, those the filter leaves out hidden
   * unless ticked, and the approvers' preview of the ticked ones (with the chosen duration).
   */
  static CatalogView of(
      io.portcullis.catalog.api.CatalogResource catalog,
      Filter filter,
      List<String> picked,
      Map<String, String> typed,
      Map<String, String> errorsByEntitlement) {
    List<CatalogEntry> entries = catalog.catalog();
    Set<String> offered = new HashSet<>();
    entries.forEach(e -> offered.add(e.id()));
    List<String> selected = picked.stream().filter(offered::contains).distinct().toList();
    List<Card> cards =
        entries.stream()
            .map(
                e ->
                    new Card(
                        e,
                        selected.contains(e.id()),
                        !selected.contains(e.id()) && !filter.matches(e),
                        errorsByEntitlement.get(e.id())))
            .toList();
    ApprovalPreviews preview = null;
    if (!selected.isEmpty()) {
      String duration =
          typed.get("duration") == null
              ? null
              : RequestFormFields.duration(
                  typed.get("duration"),
                  typed.get("durationAmount"),
                  typed.get("durationUnit"),
                  new ArrayList<>());
      try {
        preview = catalog.approvals(selected, duration);
      } catch (Problem p) {
        preview = catalog.approvals(selected, null); // a duration it cannot read: the defaults
      }
    }
    return new CatalogView(filter, cards, typed, preview, ZONES);
  }
}
