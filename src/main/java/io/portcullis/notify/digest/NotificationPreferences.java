package io.portcullis.notify.digest;

import io.portcullis.audit.AuditLog;
import io.portcullis.identity.Caller;
import io.portcullis.notify.delivery.Channels;
import io.portcullis.notify.delivery.NotifyAudit;
import io.portcullis.notify.digest.NotificationPreference.Mode;
import io.portcullis.notify.email.EmailChannel;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A person's own notification preference: read it, or choose immediate or a daily digest at an hour
 * of their time zone. The change and its audit event ({@code notify.preference_changed}) commit
 * together. Only the caller's own preference, by their IdP subject.
 */
@ApplicationScoped
public class NotificationPreferences {

  /**
   * What a person asks for: {@code mode} {@code immediate} or {@code digest}; for a digest, {@code
   * hour} (0 to 23) and {@code zone} (an IANA zone id), both required. An immediate choice ignores
   * hour and zone.
   */
  public record Choice(String mode, Integer hour, String zone) {}

  /** A preference with how many messages wait for the person's next digest. */
  public record View(NotificationPreference preference, long held) {}

  private final DigestStore store;
  private final AuditLog audit;
  private final Channels channels;
  private final Clock clock;

  NotificationPreferences(DigestStore store, AuditLog audit, Channels channels, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.channels = channels;
    this.clock = clock;
  }

  /** The caller's preference (immediate when they never chose). */
  @Transactional
  public View get(Caller caller) {
    String me = caller.subject();
    return new View(
        store.find(me, false).orElse(NotificationPreference.immediate(me)), store.waitingCount(me));
  }

  /**
   * Sets the caller's preference. A digest needs an email the identity provider verified (digests
   * are emails) and the email channel on; the first digest comes at the next {@code hour}:00 in
   * {@code zone} (the day after, when today's digest went out already).
   *
   * @throws Problems.Invalid for a missing or malformed field (each named)
   * @throws Problems.Unprocessable when a digest cannot be sent to the caller
   */
  @Transactional
  public View set(Caller caller, Choice choice) {
    Objects.requireNonNull(choice);
    Mode mode = Mode.ofWord(choice.mode());
    List<FieldError> errors = new ArrayList<>();
    if (choice.mode() == null || choice.mode().isBlank()) {
      errors.add(new FieldError("mode", "is missing", "immediate or digest"));
    } else if (mode == null) {
      errors.add(new FieldError("mode", "is neither immediate nor digest", "immediate or digest"));
    }
    if (mode == Mode.DIGEST) {
      if (choice.hour() == null) {
        errors.add(
            new FieldError("hour", "is missing: choose the hour your digest comes at", "0 to 23"));
      } else if (choice.hour() < 0 || choice.hour() > 23) {
        errors.add(new FieldError("hour", "is not an hour of the day", "0 to 23"));
      }
      if (choice.zone() == null || choice.zone().isBlank()) {
        errors.add(
            new FieldError(
                "zone", "is missing: choose your time zone", "for example Europe/Berlin"));
      } else if (!DigestRules.ianaZone(choice.zone().strip())) {
        errors.add(
            new FieldError(
                "zone",
                "is not an IANA time zone",
                "for example Europe/Berlin, America/New_York, Asia/Kolkata or UTC"));
      }
    }
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          "The notification preference was not changed: "
              + errors.stream().map(e -> e.field() + " " + e.message()).toList(),
          errors);
    }
    String me = caller.subject();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    NotificationPreference before =
        store.find(me, true).orElse(NotificationPreference.immediate(me));
    String email = caller.verifiedEmail() != null ? caller.verifiedEmail() : before.email();
    NotificationPreference after;
    if (mode == Mode.DIGEST) {
      if (caller.verifiedEmail() == null) {
        throw new Problems.Unprocessable(
            "A digest needs a verified email",
            "Daily digests are emails to the address your identity provider verified, and your"
                + " sign-in carries none; you keep hearing everything at once.",
            List.of(new FieldError("mode", "digest needs a verified email")));
      }
      if (!channels.on(EmailChannel.NAME)) {
        throw new Problems.Unprocessable(
            "Email is off",
            "This Portcullis sends no email, so it cannot send digests; you keep hearing"
                + " everything at once.",
            List.of(new FieldError("mode", "digest needs the email channel")));
      }
      int hour = choice.hour();
      ZoneId zone = ZoneId.of(choice.zone().strip());
      Instant next = DigestRules.nextDigest(hour, zone, now);
      while (before.lastDigestDay() != null
          && !DigestRules.dayOf(next, zone).isAfter(before.lastDigestDay())) {
        // one daily digest a day: today's went out already
        next = DigestRules.nextDigest(hour, zone, next);
      }
      after =
          new NotificationPreference(
              me, Mode.DIGEST, hour, zone, email, next, before.lastDigestDay(), now);
    } else {
      // hour and zone are kept for the form and what was held is sent by the digest job
      after =
          new NotificationPreference(
              me,
              Mode.IMMEDIATE,
              before.hour(),
              before.zone(),
              email,
              null,
              before.lastDigestDay(),
              now);
    }
    boolean emailChanged = after.digest() && !Objects.equals(before.email(), after.email());
    if (!changed(before, after) && !emailChanged) {
      // the same choice again: nothing to write, nothing to audit
      return new View(before, store.waitingCount(me));
    }
    store.save(after);
    audit.append(
        NotifyAudit.preferenceChanged(
            me,
            after.mode().word(),
            after.digest() ? after.hour() : null,
            after.digest() ? after.zone().getId() : null,
            before.mode().word(),
            before.digest() ? before.hour() : null,
            before.digest() ? before.zone().getId() : null,
            emailChanged));
    return new View(after, store.waitingCount(me));
  }

  private static boolean changed(NotificationPreference a, NotificationPreference b) {
    if (a.mode() != b.mode()) {
      return true;
    }
    return b.digest() && (!Objects.equals(a.hour(), b.hour()) || !a.zone().equals(b.zone()));
  }
}
