package io.portcullis.platform.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.portcullis.platform.error.FieldError;
import java.util.List;

/**
 * The RFC 9457 body. {@code type} is a URN per problem kind; {@code requestId} matches the {@code
 * X-Request-Id} response header and the server's log lines.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ProblemDetails(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    String requestId,
    List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public static String typeOf(String kind) {
    return "urn:portcullis:problem:" + kind;
  }
}
