package io.portcullis.identity.api;

import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Who am I, as Portcullis sees it. */
@Path("/api/v1/me")
@Tag(name = "identity")
public class MeResource {

  private final CurrentCaller caller;

  MeResource(CurrentCaller caller) {
    this.caller = caller;
  }

  /** The caller as returned by {@code GET /api/v1/me}. */
  public record Me(
      String subject,
      String name,
      String email,
      boolean emailVerified,
      List<String> groups,
      Caller.Authentication authentication,
      Map<String, Object> claims) {}

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "The signed-in caller",
      description =
          "Subject, name, email (and whether the identity provider verified it: only a verified"
              + " email identifies anyone), groups, how strongly and when the caller authenticated"
              + " (acr, amr, authTime), and the claims that policy expressions see.")
  public Me me() {
    Caller c = caller.get();
    return new Me(
        c.subject(),
        c.name(),
        c.email(),
        c.emailVerified(),
        c.sortedGroups(),
        c.authentication(),
        c.claims());
  }
}
