package io.portcullis.web;

import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.notify.digest.NotificationPreference;
import io.portcullis.notify.digest.NotificationPreferences;
import io.portcullis.platform.error.Problem;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The person's notification settings ({@code /ui/me/notifications}): hear routine messages at once,
 * or in a daily digest at an hour of their time zone. The form posts to the same service as {@code
 * PUT /api/v1/me/notifications}; a missing field is refused beside it, never filled in.
 */
@Path("/ui/me/notifications")
@Produces(MediaType.TEXT_HTML)
public class NotificationSettingsPages {

  /** The form's name, for {@link FormErrors}. */
  static final String FORM = "notifications";

  static final String HERE = "/ui/me/notifications";

  /** Every IANA zone id, sorted, for the zone field's suggestions. */
  static final List<String> ZONES = List.copyOf(new TreeSet<>(ZoneId.getAvailableZoneIds()));

  private final NotificationPreferences preferences;
  private final CurrentCaller caller;
  private final FormErrors formErrors;

  NotificationSettingsPages(
      NotificationPreferences preferences, CurrentCaller caller, FormErrors formErrors) {
    this.preferences = preferences;
    this.caller = caller;
    this.formErrors = formErrors;
  }

  /** An hour the digest may come at: its value and its label ({@code 08:00}). */
  public record Hour(int value, String label, boolean selected) {}

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance settings(
        Caller me,
        NotificationPreference preference,
        long held,
        String mode,
        List<Hour> hours,
        String zone,
        List<String> zones,
        String problem,
        boolean saved);
  }

  @GET
  public TemplateInstance show(@QueryParam("done") String done) {
    return page(null, "saved".equals(done));
  }

  /**
   * Saves the choice; {@code mode} is required, and for a digest {@code hour} and {@code zone}.
   * Answers 303 back to the page, or the page again with each refusal beside its field.
   */
  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response save(
      @FormParam("mode") String mode,
      @FormParam("hour") String hour,
      @FormParam("zone") String zone) {
    try {
      preferences.set(
          caller.get(), new NotificationPreferences.Choice(blankToNull(mode), hour(hour), zone));
      return Response.seeOther(URI.create(HERE + "?done=saved")).build();
    } catch (Problem p) {
      if (p.status() == 403 || p.status() == 404) {
        throw p;
      }
      Map<String, String> typed = new TreeMap<>();
      putIfPresent(typed, "mode", mode);
      putIfPresent(typed, "hour", hour);
      putIfPresent(typed, "zone", zone);
      formErrors.refused(FORM, p.errors(), typed);
      return Response.status(p.status())
          .entity(page("Nothing was changed: " + p.detail(), false))
          .build();
    }
  }

  private TemplateInstance page(String problem, boolean saved) {
    Caller me = caller.get();
    NotificationPreferences.View v = preferences.get(me);
    NotificationPreference p = v.preference();
    String typedMode = formErrors.value(FORM, "mode");
    String typedHour = formErrors.value(FORM, "hour");
    String typedZone = formErrors.value(FORM, "zone");
    String mode = typedMode != null ? typedMode : p.mode().word();
    String hourChosen =
        typedHour != null ? typedHour : p.hour() == null ? "" : String.valueOf(p.hour());
    List<Hour> hours = new ArrayList<>(24);
    for (int h = 0; h < 24; h++) {
      hours.add(new Hour(h, String.format("%02d:00", h), String.valueOf(h).equals(hourChosen)));
    }
    String zone = typedZone != null ? typedZone : p.zone() == null ? "" : p.zone().getId();
    return Templates.settings(me, p, v.held(), mode, hours, zone, ZONES, problem, saved);
  }

  /** The form's hour: null when missing, -1 (refused as not an hour) when not a number. */
  static Integer hour(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static void putIfPresent(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
