package io.portcullis.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Approved requests and their grants written straight into the database, in bulk, for the crash
 * tests and the benchmarks: the same rows the approval hand-off writes, without going through HTTP
 * one request at a time.
 */
public final class GrantFixtures {

  private GrantFixtures() {}

  private static final String REQUESTS =
      "insert into access_request (id, requester_key, requester, entitlements, duration_seconds,"
          + " justification, ticket, break_glass, policy_version, digest, ask_key, state, plan,"
          + " resolution, created_at, expires_at, decided_at)"
          + " select gen_random_uuid(), 'fixture:' || g, jsonb_build_object('subject', 'fixture:'"
          + " || g, 'name', 'Fixture ' || g, 'groups', jsonb_build_array('engineers', ?)),"
          + " jsonb_build_array(?), ?, 'fixture', null, false, repeat('0', 64), md5(random()::text)"
          + " || md5(random()::text), md5(random()::text) || md5(random()::text), 'APPROVED',"
          + " '[]'::jsonb, '[]'::jsonb, now(), now() + interval '1 day', now()"
          + " from generate_series(1, ?) g returning id, requester_key";

  /**
   * Grants due for activation now (SCHEDULED, next attempt now), with durations drawn evenly from
   * {@code minSeconds..maxSeconds}.
   *
   * @return the grant ids
   */
  public static List<UUID> scheduled(
      Connection c,
      int count,
      String entitlement,
      String provider,
      String group,
      int minSeconds,
      int maxSeconds)
      throws SQLException {
    List<Object[]> requests = requests(c, count, entitlement, 3600, group);
    List<UUID> grants = new ArrayList<>(count);
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into access_grant (id, request_id, entitlement, requester_key, state,"
                + " provider, provider_params, policy_version, duration_seconds, created_at,"
                + " ready_at, next_attempt_at, updated_at, requester) values (?, ?, ?, ?,"
                + " 'SCHEDULED', ?, '{}'::jsonb, repeat('0', 64), ?, now(), now(), now(), now(),"
                + " (select requester from access_request where id = ?))")) {
      int i = 0;
      for (Object[] r : requests) {
        UUID id = UUID.randomUUID();
        ps.setObject(1, id);
        ps.setObject(2, r[0]);
        ps.setString(3, entitlement);
        ps.setString(4, (String) r[1]);
        ps.setString(5, provider);
        ps.setLong(6, minSeconds + (i++ % (maxSeconds - minSeconds + 1)));
        ps.setObject(7, r[0]);
        ps.addBatch();
        grants.add(id);
      }
      ps.executeBatch();
    }
    return grants;
  }

  /**
   * Grants already ACTIVE, issued through {@code provider} with handle {@code {"id": grantId}},
   * whose ends are spread evenly over {@code firstEndInMillis .. firstEndInMillis + spreadMillis}
   * from now (negative: already overdue). One statement; fast enough for a million rows.
   *
   * @return the grant ids
   */
  public static List<UUID> active(
      Connection c,
      int count,
      String entitlement,
      String provider,
      long firstEndInMillis,
      long spreadMillis)
      throws SQLException {
    List<UUID> ids = new ArrayList<>(count);
    int chunk = 50_000;
    for (int from = 0; from < count; from += chunk) {
      int n = Math.min(chunk, count - from);
      try (PreparedStatement ps =
          c.prepareStatement(
              "with r as (insert into access_request (id, requester_key, requester, entitlements,"
                  + " duration_seconds, justification, break_glass, policy_version, digest,"
                  + " ask_key, state, plan, resolution, created_at, expires_at, decided_at)"
                  + " select gen_random_uuid(), 'fixture:' || g, jsonb_build_object('subject',"
                  + " 'fixture:' || g), jsonb_build_array(?), 3600, 'fixture', false, repeat('0',"
                  + " 64), md5(g::text || random()::text) || md5(random()::text),"
                  + " md5(g::text || random()::text) || md5(random()::text), 'APPROVED',"
                  + " '[]'::jsonb, '[]'::jsonb, now(), now() + interval '1 day', now() from"
                  + " generate_series(?, ?) g returning id, requester_key, requester),"
                  + " numbered as (select id, requester_key, requester, row_number() over () - 1"
                  + " as k from r), ins as (insert into access_grant (id, request_id, entitlement,"
                  + " requester_key, requester, state, provider, provider_params, policy_version,"
                  + " duration_seconds, created_at, ready_at, activated_at, not_after, handle,"
                  + " next_attempt_at, updated_at) select gid, id, ?, requester_key, requester,"
                  + " 'ACTIVE', ?,"
                  + " '{}'::jsonb, repeat('0', 64), 3600, now(), now(), now(), e, jsonb_build_object('id',"
                  + " gid::text), e, now() from (select gen_random_uuid() as gid, id,"
                  + " requester_key, requester, now() + (? + (? * (k + ?)) / greatest(?, 1)) * interval '1"
                  + " millisecond' as e from numbered) x returning id) select id from ins")) {
        ps.setString(1, entitlement);
        ps.setInt(2, from + 1);
        ps.setInt(3, from + n);
        ps.setString(4, entitlement);
        ps.setString(5, provider);
        ps.setLong(6, firstEndInMillis);
        ps.setLong(7, spreadMillis);
        ps.setLong(8, from);
        ps.setLong(9, count);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getObject(1, UUID.class));
          }
        }
      }
    }
    return ids;
  }

  private static List<Object[]> requests(
      Connection c, int count, String entitlement, long durationSeconds, String group)
      throws SQLException {
    List<Object[]> out = new ArrayList<>(count);
    try (PreparedStatement ps = c.prepareStatement(REQUESTS)) {
      ps.setString(1, group == null ? "none" : group);
      ps.setString(2, entitlement);
      ps.setLong(3, durationSeconds);
      ps.setInt(4, count);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Object[] {rs.getObject(1, UUID.class), rs.getString(2)});
        }
      }
    }
    return out;
  }
}
