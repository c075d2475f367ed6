package io.portcullis.audit;

import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;

/**
 * Search of the ledger for auditors: by actor, target, type, time range, client address (through
 * its HMAC), request id and the caller who triggered another actor's event; newest first,
 * keyset-paged by seq.
 */
@ApplicationScoped
public class AuditSearch {

  private final DataSource dataSource;
  private final AuditHmac hmac;

  AuditSearch(DataSource dataSource, AuditHmac hmac) {
    this.dataSource = dataSource;
    this.hmac = hmac;
  }

  /**
   * What to look for; null fields do not filter.
   *
   * @param target an id of any kind, or {@code kind:id} (faster: uses the index)
   * @param type an event type, or a prefix ending in {@code .} such as {@code grant.}
   * @param from inclusive, ISO-8601
   * @param to exclusive, ISO-8601
   * @param address a client address as the caller knows it; matched through its HMAC
   * @param triggeredBy IdP subject of the caller whose request caused another actor's event
   */
  public record Query(
      String actor,
      String target,
      String type,
      String from,
      String to,
      String address,
      String requestId,
      String triggeredBy) {}

  /** One page, newest first, and the cursor of the next (null at the end). */
  public record Page(List<AuditRecord> items, String next) {}

  @Transactional
  public Page search(Query q, String cursor, int limit) {
    List<FieldError> errors = new ArrayList<>();
    Instant from = time(q.from(), "from", errors);
    Instant to = time(q.to(), "to", errors);
    Long before = cursor(cursor, errors);
    if (limit < 1 || limit > 500) {
      errors.add(new FieldError("limit", "must be between 1 and 500", null));
    }
    if (q.type() != null && !q.type().matches("[a-z][a-z0-9_.]{0,100}")) {
      errors.add(
          new FieldError("type", "is not an event type or prefix", "e.g. grant.revoked or grant."));
    }
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList()),
          errors);
    }
    StringBuilder sql =
        new StringBuilder("select " + AuditLog.COLUMNS + " from audit_event where true");
    List<Object> args = new ArrayList<>();
    if (blank(q.actor()) == null) {
      // no actor filter
    } else {
      sql.append(" and actor_subject = ?");
      args.add(q.actor().strip());
    }
    String target = blank(q.target());
    if (target != null) {
      int colon = target.indexOf(':');
      if (colon > 0 && target.substring(0, colon).matches("[a-z][a-zA-Z0-9_]{0,63}")) {
        sql.append(" and targets @> jsonb_build_object(?::text, ?::text)");
        args.add(target.substring(0, colon));
        args.add(target.substring(colon + 1));
      } else {
        sql.append(" and exists (select 1 from jsonb_each_text(targets) t where t.value = ?)");
        args.add(target);
      }
    }
    String type = blank(q.type());
    if (type != null) {
      if (type.endsWith(".")) {
        sql.append(" and event_type like ?");
        args.add(type.replace("_", "\\_") + "%");
      } else {
        sql.append(" and event_type = ?");
        args.add(type);
      }
    }
    if (from != null) {
      sql.append(" and occurred_at >= ?");
      args.add(OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
    }
    if (to != null) {
      sql.append(" and occurred_at < ?");
      args.add(OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
    }
    String address = blank(q.address());
    if (address != null) {
      sql.append(" and source ->> 'address' = ?");
      args.add(hmac.of(address));
    }
    String requestId = blank(q.requestId());
    if (requestId != null) {
      sql.append(" and request_id = ?");
      args.add(requestId);
    }
    String triggeredBy = blank(q.triggeredBy());
    if (triggeredBy != null) {
      sql.append(" and triggered_by ->> 'subject' = ?");
      args.add(triggeredBy);
    }
    if (before != null) {
      sql.append(" and seq < ?");
      args.add(before);
    }
    sql.append(" order by seq desc limit ?");
    args.add(limit + 1);
    List<AuditRecord> rows = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(AuditLog.record(rs));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Searching the audit ledger failed: " + e.getSQLState(), e);
    }
    if (rows.size() > limit) {
      List<AuditRecord> page = List.copyOf(rows.subList(0, limit));
      return new Page(page, encode(page.get(limit - 1).seq()));
    }
    return new Page(List.copyOf(rows), null);
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /**
   * Parses an ISO-8601 date-time with offset; a bad value adds an error naming {@code field} and
   * gives null.
   */
  public static Instant time(String text, String field, List<FieldError> errors) {
    if (blank(text) == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (RuntimeException e) {
      errors.add(
          new FieldError(
              field, "is not a date-time with offset", "for example 2026-11-26T00:00:00Z"));
      return null;
    }
  }

  static String encode(long seq) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("seq:" + seq).getBytes(StandardCharsets.UTF_8));
  }

  private static Long cursor(String text, List<FieldError> errors) {
    if (blank(text) == null) {
      return null;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(text.strip()), StandardCharsets.UTF_8);
      if (!s.startsWith("seq:")) {
        throw new IllegalArgumentException();
      }
      return Long.parseLong(s.substring(4));
    } catch (RuntimeException e) {
      errors.add(
          new FieldError(
              "cursor",
              "is not a cursor returned by this API",
              "use the 'next' value of the previous page"));
      return null;
    }
  }
}
