package io.portcullis.platform.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.portcullis.platform.database.DatabaseGate;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problem;
import io.portcullis.platform.error.Problems;
import io.quarkus.security.ForbiddenException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where failures become HTTP answers: always {@code application/problem+json}, never
 * a stack trace, SQL text or class name.
 */
public class ProblemMappers {

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response problem(Problem problem, UriInfo uri) {
    if (problem.status() >= 500) {
      LOG.warnf("%s: %s", problem.title(), problem.detail());
    }
    Response r =
        respond(
            problem.status(),
            problem.kind(),
            problem.title(),
            problem.detail(),
            uri,
            problem.errors());
    if (problem.status() == 503) {
      r = Response.fromResponse(r).header("Retry-After", "5").build(); // unavailable: retry soon
    }
    if (problem.properties().isEmpty()) {
      return r;
    }
    // extension members beside the standard ones (RFC 9457 section 3.2)
    Map<String, Object> body = new LinkedHashMap<>();
    ProblemDetails d = (ProblemDetails) r.getEntity();
    body.put("type", d.type());
    body.put("title", d.title());
    body.put("status", d.status());
    body.put("detail", d.detail());
    if (d.instance() != null) {
      body.put("instance", d.instance());
    }
    if (d.requestId() != null) {
      body.put("requestId", d.requestId());
    }
    if (!d.errors().isEmpty()) {
      body.put("errors", d.errors());
    }
    problem.properties().forEach(body::putIfAbsent);
    return Response.status(problem.status()).type(ProblemDetails.MEDIA_TYPE).entity(body).build();
  }

  @ServerExceptionMapper
  public Response constraintViolation(ConstraintViolationException e, UriInfo uri) {
    List<FieldError> errors = new ArrayList<>();
    for (ConstraintViolation<?> v : e.getConstraintViolations()) {
      errors.add(new FieldError(fieldOf(v.getPropertyPath().toString()), v.getMessage()));
    }
    errors.sort(java.util.Comparator.comparing(FieldError::field));
    String detail =
        errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
    return respond(400, "validation", "The input is not valid", detail, uri, errors);
  }

  @ServerExceptionMapper
  public Response validation(ValidationException e, UriInfo uri) {
    if (e instanceof ConstraintViolationException cve) {
      return constraintViolation(cve, uri);
    }
    return unexpected(e, uri);
  }

  /**
   * JSON that cannot be read. Registered for each Jackson type that Quarkus REST has a built-in
   * mapper for, so that this one (problem+json, field path) wins over the built-ins.
   */
  @ServerExceptionMapper({
    UnrecognizedPropertyException.class,
    InvalidFormatException.class,
    MismatchedInputException.class,
    ValueInstantiationException.class,
    JsonMappingException.class,
    JsonParseException.class,
    JsonProcessingException.class
  })
  public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
    return json(e, uri);
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, UriInfo uri) {
    return respond(
        403, "forbidden", "Not allowed", "You are signed in but may not do this.", uri, List.of());
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e, UriInfo uri) {
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      return unexpected(e, uri);
    }
    Response.Status known = Response.Status.fromStatusCode(status);
    String title = known == null ? "HTTP " + status : known.getReasonPhrase();
    String detail =
        switch (status) {
          case 404 -> "There is nothing at " + uri.getPath() + ".";
          case 405 -> "This method is not allowed on " + uri.getPath() + ".";
          case 406 -> "This resource answers application/json; ask for that media type.";
          case 415 -> "Send the body as application/json (Content-Type: application/json).";
          default -> title + ".";
        };
    return respond(status, "http-" + status, title, detail, uri, List.of());
  }

  @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
  public Response unexpected(Throwable e, UriInfo uri) {
    Problem problem = causeProblem(e);
    if (problem != null) {
      return problem(problem, uri);
    }
    LOG.errorf(e, "Unexpected failure answering %s", uri.getPath());
    return respond(
        500,
        "internal",
        "Internal error",
        "Something went wrong on our side. Nothing was changed by this request; quote the request id"
            + " when you report it.",
        uri,
        List.of());
  }

  private Response json(JsonProcessingException e, UriInfo uri) {
    Problem inner = causeProblem(e);
    if (inner != null) {
      return problem(inner, uri);
    }
    String field = e instanceof JsonMappingException jme ? pathOf(jme) : "";
    FieldError error;
    if (e instanceof UnrecognizedPropertyException upe) {
      error =
          new FieldError(
              field,
              "unknown field '" + upe.getPropertyName() + "'",
              "remove it; known fields: "
                  + upe.getKnownPropertyIds().stream()
                      .map(Object::toString)
                      .sorted()
                      .collect(Collectors.joining(", ")));
    } else if (e instanceof InvalidFormatException ife) {
      error =
          new FieldError(
              field,
              "value is not a valid " + ife.getTargetType().getSimpleName(),
              "check the documented format of this field");
    } else if (e instanceof MismatchedInputException mie && mie.getTargetType() != null) {
      error =
          new FieldError(
              field,
              "wrong JSON type for this field",
              "expected a value that maps to " + mie.getTargetType().getSimpleName());
    } else if (e instanceof JsonParseException jpe && jpe.getLocation() != null) {
      error =
          new FieldError(
              "",
              "malformed JSON at line "
                  + jpe.getLocation().getLineNr()
                  + ", column "
                  + jpe.getLocation().getColumnNr(),
              "send a single valid JSON document");
    } else {
      error = new FieldError(field, "the body could not be read as JSON", "send valid JSON");
    }
    String detail = (error.field().isEmpty() ? "" : error.field() + ": ") + error.message();
    return respond(400, "validation", "The input is not valid", detail, uri, List.of(error));
  }

  private static Problem causeProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Problem p) {
        return p;
      }
      if (t instanceof SQLException sql && DatabaseGate.unreachable(sql)) {
        return new Problems.Unavailable(
            "The database cannot be reached right now. Nothing was changed by this request; retry"
                + " in a few seconds.");
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static String pathOf(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** Turns a Bean Validation path such as {@code submit.body.duration} into {@code duration}. */
  static String fieldOf(String propertyPath) {
    String[] parts = propertyPath.split("\\.");
    if (parts.length <= 2) {
      return parts[parts.length - 1];
    }
    return String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
  }

  private static Response respond(
      int status, String kind, String title, String detail, UriInfo uri, List<FieldError> errors) {
    ProblemDetails body =
        new ProblemDetails(
            ProblemDetails.typeOf(kind),
            title,
            status,
            detail,
            uri == null ? null : uri.getPath(),
            RequestIds.current(),
            errors);
    return Response.status(status).type(ProblemDetails.MEDIA_TYPE).entity(body).build();
  }
}
