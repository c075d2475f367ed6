package io.portcullis.platform.paging;

import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * A position in a keyset-paged listing (newest first): the last row's creation time and id. Opaque
 * to clients; stable under inserts, with no OFFSET.
 */
public record Cursor(Instant createdAt, UUID id) {

  public String encode() {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((micros + "|" + id).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a cursor.
   *
   * @return null for none
   * @throws Problems.Invalid naming the {@code cursor} parameter when it is not one of ours
   */
  public static Cursor decode(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int bar = s.indexOf('|');
      long micros = Long.parseLong(s.substring(0, bar));
      return new Cursor(
          Instant.EPOCH.plus(micros, ChronoUnit.MICROS), UUID.fromString(s.substring(bar + 1)));
    } catch (RuntimeException e) {
      throw new Problems.Invalid(
          new FieldError(
              "cursor",
              "is not a cursor returned by this API",
              "use the 'next' value of the previous page"));
    }
  }
}
