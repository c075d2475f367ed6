package io.portcullis.platform.http;

import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Test-only endpoints that fail in each way the error mapper must handle. */
@Path("/api/test/problems")
@Produces(MediaType.APPLICATION_JSON)
public class ProblemProbeResource {

  public record Body(@NotBlank String name, @Size(max = 3) List<String> tags, int count) {}

  @POST
  @Path("echo")
  @Consumes(MediaType.APPLICATION_JSON)
  public Body echo(@Valid Body body) {
    return body;
  }

  @GET
  @Path("{kind}")
  public String fail(@PathParam("kind") String kind) {
    switch (kind) {
      case "not-found" -> throw new Problems.NotFound("Request", "42");
      case "conflict" -> throw new Problems.Conflict("The request is APPROVED, not PENDING.");
      case "forbidden" -> throw new Problems.Forbidden("Only auditors may do this.");
      case "invalid" ->
          throw new Problems.Invalid(
              new FieldError("duration", "must be at most PT4H", "ask for PT4H or less"));
      case "database-down" ->
          throw new IllegalStateException(
              "could not run the query",
              new java.sql.SQLException(
                  "Connection to localhost:5432 refused. Check that the hostname and port are"
                      + " correct",
                  "08001"));
      case "database-busy" ->
          throw new IllegalStateException(
              "could not run the query",
              new java.sql.SQLException("Acquisition timeout while waiting for new connection"));
      case "constraint" ->
          throw new IllegalStateException(
              "could not run the query",
              new java.sql.SQLException("duplicate key value violates unique constraint", "23505"));
      case "bug" ->
          throw new IllegalStateException(
              "select secret from credentials where password = 'hunter2'");
      default -> {
        return "ok";
      }
    }
  }
}
