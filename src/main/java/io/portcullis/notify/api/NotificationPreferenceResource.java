package io.portcullis.notify.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.notify.digest.NotificationPreference;
import io.portcullis.notify.digest.NotificationPreferences;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's own notification preference: routine messages at once, or in a daily digest. */
@Path("/api/v1/me/notifications")
@Tag(name = "identity")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationPreferenceResource {

  private final NotificationPreferences preferences;
  private final CurrentCaller caller;

  NotificationPreferenceResource(NotificationPreferences preferences, CurrentCaller caller) {
    this.preferences = preferences;
    this.caller = caller;
  }

  /** What {@code PUT} takes; {@code hour} is a JSON integer, never a string or a fraction. */
  public record PreferenceBody(
      String mode, @JsonDeserialize(using = WholeNumber.class) Integer hour, String zone) {}

  /** Reads a JSON integer only: {@code "8"} or {@code 8.5} are refused (400), not coerced. */
  static final class WholeNumber extends JsonDeserializer<Integer> {
    @Override
    public Integer deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
        throw MismatchedInputException.from(p, Integer.class, "not a whole number");
      }
      return p.getIntValue();
    }
  }

  /**
   * The preference as the API shows it.
   *
   * @param mode {@code immediate} or {@code digest}
   * @param hour the digest's hour (0 to 23), for a digest
   * @param zone the digest's IANA time zone, for a digest
   * @param digestEmail where digests go (the email the identity provider verified), for a digest
   * @param nextDigestAt when the next digest is due, for a digest
   * @param held messages waiting for the next digest (after a switch to immediate, for one last
   *     digest within a minute or so)
   */
  public record PreferenceView(
      String mode,
      Integer hour,
      String zone,
      String digestEmail,
      Instant nextDigestAt,
      long held,
      Instant updatedAt) {
    static PreferenceView of(NotificationPreferences.View v) {
      NotificationPreference p = v.preference();
      boolean digest = p.digest();
      return new PreferenceView(
          p.mode().word(),
          digest ? p.hour() : null,
          digest ? p.zone().getId() : null,
          digest ? p.email() : null,
          digest ? p.nextDigestAt() : null,
          v.held(),
          p.updatedAt());
    }
  }

  @GET
  @Operation(
      summary = "How you hear routine notifications",
      description =
          "mode immediate (the default) or digest; for a digest its hour, time zone, address and"
              + " when the next one is due; held: messages waiting for it.")
  public PreferenceView get() {
    return PreferenceView.of(preferences.get(caller.get()));
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Choose immediate or a daily digest",
      description =
          "mode immediate or digest; a digest needs hour (0 to 23) and zone (an IANA time zone id"
              + " such as Europe/Berlin), both required, and an email your identity provider"
              + " verified (422 otherwise, or when this Portcullis sends no email). Security-"
              + "critical messages (break-glass, IRREVOCABLE, kill switch, a grant ending soon, a"
              + " credential to collect) always come at once. Audited as"
              + " notify.preference_changed.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "digest",
                      value = "{\"mode\":\"digest\",\"hour\":8,\"zone\":\"Europe/Berlin\"}")))
  @APIResponse(responseCode = "200", description = "The preference as it now is")
  @APIResponse(responseCode = "400", description = "A field is missing or malformed")
  @APIResponse(responseCode = "422", description = "A digest cannot be sent to you")
  public PreferenceView put(PreferenceBody body) {
    if (body == null) {
      throw new Problems.Invalid(
          new FieldError("", "the body is missing", "{\"mode\": \"immediate\"}"));
    }
    return PreferenceView.of(
        preferences.set(
            caller.get(),
            new NotificationPreferences.Choice(body.mode(), body.hour(), body.zone())));
  }
}
