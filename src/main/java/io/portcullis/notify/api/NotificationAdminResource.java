package io.portcullis.notify.api;

import io.portcullis.identity.CurrentCaller;
import io.portcullis.notify.delivery.DeadLetters;
import io.portcullis.notify.delivery.DeliveryStore;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Notification deliveries for admins: the dead letters, and a retry for each. */
@Path("/api/v1/admin/notifications")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationAdminResource {

  private final DeadLetters deadLetters;
  private final CurrentCaller caller;

  NotificationAdminResource(DeadLetters deadLetters, CurrentCaller caller) {
    this.deadLetters = deadLetters;
    this.caller = caller;
  }

  /** A delivery as the API shows it (no message body: it is rendered at send time). */
  public record DeliveryView(
      UUID id,
      UUID event,
      String channel,
      String target,
      String kind,
      String status,
      int attempts,
      Instant nextAttemptAt,
      String lastError,
      String externalRef,
      Instant createdAt,
      Instant updatedAt) {
    static DeliveryView of(DeliveryStore.Row r) {
      return new DeliveryView(
          r.id(),
          r.eventId(),
          r.channel(),
          r.target(),
          r.kind(),
          r.status().name(),
          r.attempts(),
          r.nextAttemptAt(),
          r.lastError(),
          r.externalRef(),
          r.createdAt(),
          r.updatedAt());
    }
  }

  @GET
  @Operation(
      summary = "Notification deliveries by status, newest first (admins and auditors)",
      description =
          "status is DEAD (default), PENDING, SENDING, RETRY or SENT; limit 1 to 200 (default 50).")
  public List<DeliveryView> list(
      @QueryParam("status") String status, @QueryParam("limit") Integer limit) {
    DeliveryStore.Status s;
    try {
      s =
          status == null || status.isBlank()
              ? DeliveryStore.Status.DEAD
              : DeliveryStore.Status.valueOf(status.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Problems.Invalid(
          new FieldError("status", "status is one of DEAD, PENDING, SENDING, RETRY, SENT"));
    }
    if (limit != null && (limit < 1 || limit > DeadLetters.MAX_PAGE)) {
      throw new Problems.Invalid(new FieldError("limit", "limit is between 1 and 200"));
    }
    return deadLetters.list(caller.get(), s, limit == null ? 50 : limit).stream()
        .map(DeliveryView::of)
        .toList();
  }

  @POST
  @Path("{id}/retry")
  @Operation(
      summary = "Retry a dead delivery now, with fresh attempts (admins; audited)",
      description = "409 when the delivery is not DEAD.")
  public DeliveryView retry(@PathParam("id") String id) {
    UUID d;
    try {
      d = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new Problems.Invalid(new FieldError("id", "not a delivery id"));
    }
    return DeliveryView.of(deadLetters.retry(caller.get(), d));
  }
}
