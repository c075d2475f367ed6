package io.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problem;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request form's fields as a person fills them in, read into what the submission takes. */
class RequestFormFieldsTest {

  private static MultivaluedMap<String, String> form(String... pairs) {
    MultivaluedMap<String, String> f = new MultivaluedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      f.add(pairs[i], pairs[i + 1]);
    }
    return f;
  }

  private static List<FieldError> refusal(MultivaluedMap<String, String> f) {
    try {
      RequestFormFields.read(f);
    } catch (Problem p) {
      assertThat(p.status()).isEqualTo(400);
      return p.errors();
    }
    throw new AssertionError("the form was read: " + f);
  }

  @Test
  void severalTickedEntitlementsAreOneRequestInTheOrderTicked() {
    RequestFormFields f =
        RequestFormFields.read(
            form(
                "entitlement", "demo-db-readonly",
                "entitlement", "demo-db-admin",
                "entitlement", "demo-db-readonly",
                "entitlement", " ",
                "duration", "PT1H"));
    assertThat(f.entitlements()).containsExactly("demo-db-readonly", "demo-db-admin");
    assertThat(f.duration()).isEqualTo("PT1H");
    assertThat(f.start()).as("no start: as soon as approved").isNull();
  }

  @Test
  void aPresetIsTakenAsItsValueAndACustomDurationFromItsNumberAndUnit() {
    for (Duration preset : RequestFormFields.PRESETS) {
      assertThat(RequestFormFields.read(form("duration", preset.toString())).duration())
          .isEqualTo(preset.toString());
    }
    assertThat(
            RequestFormFields.read(
                    form("duration", "custom", "durationAmount", "90", "durationUnit", "minutes"))
                .duration())
        .isEqualTo("PT1H30M");
    assertThat(
            RequestFormFields.read(
                    form("duration", "custom", "durationAmount", "3", "durationUnit", "hours"))
                .duration())
        .isEqualTo("PT3H");
    assertThat(
            RequestFormFields.read(
                    form("duration", "custom", "durationAmount", " 2 ", "durationUnit", "days"))
                .duration())
        .isEqualTo("PT48H");
    // a browser without the select (or a script that cleared it): the number alone, in minutes
    assertThat(RequestFormFields.read(form("durationAmount", "45")).duration()).isEqualTo("PT45M");
  }

  @Test
  void aDurationThatCannotBeReadIsRefusedBesideTheDurationField() {
    assertThat(refusal(form("entitlement", "x")))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("duration");
              assertThat(e.message()).isEqualTo("is required");
            });
    assertThat(refusal(form("duration", "custom")))
        .extracting(FieldError::field, FieldError::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "duration", "needs a number for the custom duration"));
    assertThat(refusal(form("duration", "custom", "durationAmount", "1.5")))
        .extracting(FieldError::message)
        .containsExactly("must be a whole number of minutes, hours or days, got '1.5'");
    assertThat(refusal(form("duration", "custom", "durationAmount", "0")))
        .extracting(FieldError::message)
        .containsExactly("must be a positive number, got 0");
    assertThat(refusal(form("duration", "custom", "durationAmount", "2", "durationUnit", "weeks")))
        .extracting(FieldError::message)
        .containsExactly("has an unknown unit 'weeks'");
    assertThat(refusal(form("duration", "two hours")))
        .extracting(FieldError::field, FieldError::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("duration", "is not one of the offered durations"));
  }

  @Test
  void theStartIsTheWallClockTimeInTheZoneGiven() {
    assertThat(
            RequestFormFields.read(
                    form(
                        "duration", "PT1H",
                        "startLocal", "2026-12-05T14:30",
                        "zone", "Asia/Kolkata"))
                .start())
        .isEqualTo("2026-12-05T14:30+05:30");
    assertThat(
            OffsetDateTime.parse(
                    RequestFormFields.read(
                            form(
                                "duration", "PT1H",
                                "startLocal", "2026-12-05T14:30",
                                "zone", "Asia/Kolkata"))
                        .start())
                .toInstant())
        .hasToString("2026-12-05T09:00:00Z");
    // summer and winter of one zone
    assertThat(
            RequestFormFields.read(
                    form(
                        "duration",
                        "PT1H",
                        "startLocal",
                        "2026-07-01T09:00:00",
                        "zone",
                        "Europe/Berlin"))
                .start())
        .isEqualTo("2026-07-01T09:00+02:00");
    assertThat(
            RequestFormFields.read(
                    form(
                        "duration",
                        "PT1H",
                        "startLocal",
                        "2026-01-15T09:00",
                        "zone",
                        "Europe/Berlin"))
                .start())
        .isEqualTo("2026-01-15T09:00+01:00");
    // a time the zone skips moves forward by the gap, as its clocks do
    assertThat(
            RequestFormFields.read(
                    form(
                        "duration", "PT1H",
                        "startLocal", "2026-03-08T02:30",
                        "zone", "America/New_York"))
                .start())
        .isEqualTo("2026-03-08T03:30-04:00");
    // no zone sent (no script, no choice): UTC, as the form says
    assertThat(
            RequestFormFields.read(form("duration", "PT1H", "startLocal", "2026-12-05T14:30"))
                .start())
        .isEqualTo("2026-12-05T14:30Z");
    assertThat(
            RequestFormFields.read(
                    form("duration", "PT1H", "startLocal", "", "zone", "Asia/Kolkata"))
                .start())
        .isNull();
  }

  @Test
  void aStartThatCannotBeReadIsRefusedBesideTheStartField() {
    assertThat(
            refusal(
                form("duration", "PT1H", "startLocal", "2026-12-05T14:30", "zone", "Mars/Olympus")))
        .extracting(FieldError::field, FieldError::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "start", "has an unknown time zone 'Mars/Olympus'"));
    assertThat(refusal(form("duration", "PT1H", "startLocal", "tomorrow at nine")))
        .extracting(FieldError::field, FieldError::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "start", "is not a date and time: 'tomorrow at nine'"));
    // both fields wrong: both said at once
    assertThat(refusal(form("duration", "custom", "startLocal", "soon")))
        .extracting(FieldError::field)
        .containsExactly("duration", "start");
  }

  @Test
  void blankProviderInputsAreLeftOutAndTheOthersKept() {
    RequestFormFields f =
        RequestFormFields.read(
            form(
                "duration", "PT1H",
                "input.publicKey", "ssh-ed25519 AAAA alice@laptop",
                "input.other", "  ",
                "justification", "not an input"));
    assertThat(f.inputs()).isEqualTo(Map.of("publicKey", "ssh-ed25519 AAAA alice@laptop"));
  }

  @Test
  void durationsReadInWords() {
    assertThat(RequestFormFields.words(Duration.ofMinutes(15))).isEqualTo("15 min");
    assertThat(RequestFormFields.words(Duration.ofHours(1))).isEqualTo("1 h");
    assertThat(RequestFormFields.words(Duration.ofMinutes(90))).isEqualTo("1 h 30 min");
    assertThat(RequestFormFields.words(Duration.ofDays(2))).isEqualTo("2 d");
    assertThat(RequestFormFields.words(Duration.ofHours(25))).isEqualTo("25 h");
    assertThatThrownBy(() -> RequestFormFields.read(form())).isInstanceOf(Problem.class);
  }
}
