package io.portcullis.grant;

import io.portcullis.provider.Credential;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * The one owner of {@code grant_credential}: credentials sealed at activation, waiting for their
 * requester, taken once, or discarded (at revocation, or when nobody collected them in time).
 * Values exist in plaintext only in memory, between {@link CredentialSealer#open} and the response.
 */
@ApplicationScoped
public class GrantCredentials {

  private static final Logger LOG = Logger.getLogger(GrantCredentials.class);

  private final EntityManager em;
  private final CredentialSealer sealer;

  GrantCredentials(EntityManager em, CredentialSealer sealer) {
    this.em = em;
    this.sealer = sealer;
  }

  /** A sealed credential to store for a grant. */
  record ToStore(UUID grant, CredentialSealer.Sealed sealed) {}

  /** Stores (or replaces) sealed credentials, available until {@code expires}. */
  @Transactional(Transactional.TxType.MANDATORY)
  void store(List<ToStore> credentials, Instant expires) {
    if (credentials.isEmpty()) {
      return;
    }
    em.unwrap(Session.class)
        .doWork(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "insert into grant_credential (grant_id, key_id, sealed, expires_at) values"
                          + " (?, ?, ?, ?) on conflict (grant_id) do update set key_id ="
                          + " excluded.key_id, sealed = excluded.sealed, expires_at ="
                          + " excluded.expires_at")) {
                for (ToStore t : credentials) {
                  ps.setObject(1, t.grant());
                  ps.setString(2, t.sealed().keyId());
                  ps.setBytes(3, t.sealed().bytes());
                  ps.setObject(4, OffsetDateTime.ofInstant(expires, ZoneOffset.UTC));
                  ps.addBatch();
                }
                ps.executeBatch();
              }
            });
  }

  /** The field names of a credential still waiting, opened in memory and dropped at once. */
  @Transactional(Transactional.TxType.MANDATORY)
  List<String> fieldNames(UUID grant) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select key_id, sealed from grant_credential where grant_id = :id and"
                    + " expires_at > now()")
            .setParameter("id", grant)
            .getResultList();
    if (rows.isEmpty()) {
      return List.of();
    }
    try {
      return List.copyOf(
          sealer
              .open(
                  grant,
                  new CredentialSealer.Sealed((String) rows.get(0)[0], (byte[]) rows.get(0)[1]))
              .fields()
              .keySet());
    } catch (IllegalStateException e) {
      LOG.warnf("Credential of grant %s cannot be opened: %s", grant, e.getMessage());
      return List.of();
    }
  }

  /** What taking a credential found. */
  sealed interface Taken {
    /** There was none (never stored, or taken or discarded before). */
    record Missing() implements Taken {}

    /** It was there but its collection window had passed; it is deleted now. */
    record Expired() implements Taken {}

    /** It could not be opened (the sealing key changed); it is deleted now. */
    record Unreadable() implements Taken {}

    record Opened(Credential credential) implements Taken {}
  }

  /** Takes a credential: deletes it in the caller's transaction and opens it, once. */
  @Transactional(Transactional.TxType.MANDATORY)
  Taken take(UUID grant) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "delete from grant_credential where grant_id = :id returning key_id, sealed,"
                    + " expires_at > now()")
            .setParameter("id", grant)
            .getResultList();
    if (rows.isEmpty()) {
      return new Taken.Missing();
    }
    if (!Boolean.TRUE.equals(rows.get(0)[2])) {
      return new Taken.Expired();
    }
    try {
      return new Taken.Opened(
          sealer.open(
              grant,
              new CredentialSealer.Sealed((String) rows.get(0)[0], (byte[]) rows.get(0)[1])));
    } catch (IllegalStateException e) {
      LOG.errorf("Credential of grant %s cannot be opened: %s", grant, e.getMessage());
      return new Taken.Unreadable();
    }
  }

  /** Discards the credentials of these grants (revocation). */
  @Transactional(Transactional.TxType.MANDATORY)
  void discard(List<UUID> grants) {
    if (!grants.isEmpty()) {
      em.createNativeQuery("delete from grant_credential where grant_id in (:ids)")
          .setParameter("ids", grants)
          .executeUpdate();
    }
  }

  /** Discards up to {@code limit} credentials nobody collected in time; returns their grants. */
  @Transactional(Transactional.TxType.MANDATORY)
  List<UUID> discardExpired(int limit) {
    @SuppressWarnings("unchecked")
    List<UUID> discarded =
        em.createNativeQuery(
                "delete from grant_credential where grant_id in (select grant_id from"
                    + " grant_credential where expires_at <= now() order by expires_at limit :n"
                    + " for update skip locked) returning grant_id")
            .setParameter("n", limit)
            .getResultList();
    return discarded;
  }

  /** Whether a credential waits for the grant (for listings). */
  @Transactional(Transactional.TxType.MANDATORY)
  Optional<Instant> waitingUntil(UUID grant) {
    @SuppressWarnings("unchecked")
    List<Object> rows =
        em.createNativeQuery(
                "select expires_at from grant_credential where grant_id = :id and expires_at >"
                    + " now()")
            .setParameter("id", grant)
            .getResultList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(DbTime.instant(rows.get(0)));
  }
}
