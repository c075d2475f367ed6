package io.portcullis.web;

import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.GrantService;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.platform.error.Problems;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Small JSON answers for the pages' script ({@code /static/portcullis.js}), which polls them to
 * refresh the navigation's inbox count and a grant's state without a reload. They live under {@code
 * /ui} because a browser session is signed in there (the {@code /api} tenant takes bearer tokens
 * only); they answer what the API answers, by the same services and rules: the inbox is the "to
 * review" listing ({@link InboxCount}), a grant is {@link GrantService#get}, so someone else's
 * grant is 404 here too. Pages work without them: they only enhance.
 */
@Path("/ui/live")
@Tag(name = "web")
@Produces(MediaType.APPLICATION_JSON)
public class LiveUpdates {

  private final InboxCount inbox;
  private final GrantService grants;
  private final CurrentCaller caller;

  LiveUpdates(InboxCount inbox, GrantService grants, CurrentCaller caller) {
    this.inbox = inbox;
    this.grants = grants;
    this.caller = caller;
  }

  /**
   * The navigation's inbox count.
   *
   * @param count requests waiting for the person's review now, counted up to 100
   * @param label as the navigation shows it: "" for none, "99+" past the cap
   */
  public record Inbox(int count, String label) {}

  /**
   * A grant as its page shows it live.
   *
   * @param state the grant's state ({@code ACTIVE}, …)
   * @param stateWords what the state means, in words
   * @param notAfter when access ends (moves when an extension in place is confirmed)
   * @param extendTo the end an approved extension asks of the provider, until it confirmed, or null
   * @param credential where the one-time hand-out of the credential stands
   */
  public record Grant(
      UUID id,
      String state,
      String stateWords,
      Instant notAfter,
      Instant extendTo,
      UUID extensionRequest,
      String credential) {}

  @GET
  @Path("inbox")
  @Operation(
      summary = "The signed-in person's inbox count (web session)",
      description =
          "How many requests wait for the person's review now, as the navigation shows it. For the"
              + " pages' script, with the browser session; polled at most every 15 s while the"
              + " page is visible.")
  public Response inbox() {
    return fresh(new Inbox(inbox.getCount(), inbox.getLabel()));
  }

  @GET
  @Path("grants/{id}")
  @Operation(
      summary = "A grant's live state (web session)",
      description =
          "The state, end and pending extension of a grant the person may see (the same rules as"
              + " GET /api/v1/grants/{id}; 404 otherwise), for the grant page's script, polled at"
              + " most every 15 s while the page is visible.")
  public Response grant(@PathParam("id") String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new Problems.NotFound("Grant", id.length() > 40 ? id.substring(0, 40) : id);
    }
    AccessGrant g = grants.get(caller.get(), uuid);
    return fresh(
        new Grant(
            g.id(),
            g.state().name(),
            StateWords.of(g.state()),
            g.notAfter(),
            g.extendTo(),
            g.extensionRequestId(),
            grants.credentialInfo(g).status().name()));
  }

  private static Response fresh(Object body) {
    return Response.ok(body).header("Cache-Control", "no-store").build();
  }
}
