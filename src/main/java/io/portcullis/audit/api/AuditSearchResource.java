package io.portcullis.audit.api;

import io.portcullis.audit.AuditJson;
import io.portcullis.audit.AuditSearch;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problems;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Search of the audit ledger, for auditors and admins. */
@Path("/api/v1/audit")
@Tag(name = "audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditSearchResource {

  private final AuditSearch search;
  private final CurrentCaller caller;
  private final Roles roles;

  AuditSearchResource(AuditSearch search, CurrentCaller caller, Roles roles) {
    this.search = search;
    this.caller = caller;
    this.roles = roles;
  }

  /** A page of events (in the export's JSON shape) and the cursor of the next. */
  public record EventPage(List<Map<String, Object>> items, String next) {}

  @GET
  @Operation(
      summary = "Search the audit ledger (auditors and admins)",
      description =
          "Filters combine with AND: actor (IdP subject), target (an id, or kind:id such as"
              + " grant:<uuid>), type (a code, or a prefix ending in '.'), from/to (ISO-8601,"
              + " from inclusive, to exclusive), address (a client address, matched through its"
              + " HMAC), requestId, triggeredBy (the IdP subject of the caller whose request caused"
              + " an event of another actor, such as a system:policy auto-approval). Newest first;"
              + " pass 'next' back as cursor.")
  public EventPage search(
      @QueryParam("actor") String actor,
      @QueryParam("target") String target,
      @QueryParam("type") String type,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("address") String address,
      @QueryParam("requestId") String requestId,
      @QueryParam("triggeredBy") String triggeredBy,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    if (!roles.mayReadAll(caller.get())) {
      throw new Problems.Forbidden("Only auditors and admins may search the audit ledger.");
    }
    AuditSearch.Page page =
        search.search(
            new AuditSearch.Query(actor, target, type, from, to, address, requestId, triggeredBy),
            cursor,
            limit);
    return new EventPage(page.items().stream().map(AuditJson::toMap).toList(), page.next());
  }
}
