package io.portcullis.catalog.load;

import io.portcullis.catalog.model.TimeWindow;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads an {@code activationWindow} or {@code approvalWindow}: days, hours and the zone they are
 * in.
 */
final class WindowReader {

  private WindowReader() {}

  /**
   * The window at {@code node}, refused when it is not within {@code parent} unless {@code loosen}
   * names it.
   */
  static TimeWindow read(Nodes n, Node node, String what, TimeWindow parent, Set<String> loosen) {
    Map<String, Node> w = n.mapping(node, what, Set.of("days", "from", "to", "timeZone"));
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    if (w.containsKey("days")) {
      for (String d : n.strings(w.get("days"), what + ".days")) {
        DayOfWeek day = day(d);
        if (day == null) {
          n.error(
              w.get("days"),
              "'" + d + "' is not a day of the week",
              "use MON, TUE, WED, THU, FRI, SAT, SUN");
        } else {
          days.add(day);
        }
      }
    } else {
      days = EnumSet.allOf(DayOfWeek.class);
    }
    LocalTime from =
        w.containsKey("from")
            ? n.time(w.get("from"), what + ".from").orElse(LocalTime.MIN)
            : LocalTime.MIN;
    LocalTime to =
        w.containsKey("to")
            ? n.time(w.get("to"), what + ".to").orElse(LocalTime.MAX)
            : LocalTime.MAX;
    if (!w.containsKey("timeZone")) {
      n.error(
          node,
          what + ".timeZone is missing",
          "name the zone whose business hours apply, e.g. Asia/Kolkata");
      return parent;
    }
    ZoneId zone = n.zone(w.get("timeZone"), what + ".timeZone").orElse(ZoneId.of("UTC"));
    if (!from.isBefore(to)) {
      n.error(node, what + ": 'from' " + from + " must be before 'to' " + to, null);
    }
    TimeWindow window = new TimeWindow(days, from, to, zone);
    if (parent != null && !loosen.contains(what)) {
      boolean within =
          parent.days().containsAll(days)
              && parent.zone().equals(zone)
              && !from.isBefore(parent.from())
              && !to.isAfter(parent.to());
      if (!within) {
        n.error(
            node,
            what + " " + window.describe() + " is not within the inherited " + parent.describe(),
            "narrow it, or add 'loosen: [" + what + "]'");
      }
    }
    return window;
  }

  private static DayOfWeek day(String d) {
    String u = d.trim().toUpperCase(Locale.ROOT);
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.name().equals(u) || day.name().substring(0, 3).equals(u)) {
        return day;
      }
    }
    return null;
  }
}
