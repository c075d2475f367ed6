package io.portcullis.catalog.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.catalog.load.PolicyFiles.PolicyFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every accepted policy version's files, by content hash (the one owner of {@code policy_archive}).
 * The ledger names versions by hash; this keeps what the hash is of, so that an evidence pack can
 * carry the files in force at any time and an auditor can re-parse them.
 */
@ApplicationScoped
public class PolicyArchive {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<PolicyFile>> FILES = new TypeReference<>() {};

  private final EntityManager em;

  PolicyArchive(EntityManager em) {
    this.em = em;
  }

  /** Keeps a version's files in the caller's transaction; a version kept before stays as it is. */
  @Transactional(Transactional.TxType.MANDATORY)
  void keep(String hash, List<PolicyFile> files, Instant at) {
    em.createNativeQuery(
            "insert into policy_archive (hash, files, first_accepted_at)"
                + " values (:hash, cast(:files as jsonb), :at) on conflict (hash) do nothing")
        .setParameter("hash", hash)
        .setParameter("files", write(files))
        .setParameter("at", at)
        .executeUpdate();
  }

  /** The files of an accepted version, by name, or empty when no version with this hash was. */
  @Transactional
  public Optional<List<PolicyFile>> files(String hash) {
    @SuppressWarnings("unchecked")
    List<String> rows =
        em.createNativeQuery("select cast(files as text) from policy_archive where hash = :hash")
            .setParameter("hash", hash)
            .getResultList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(List.copyOf(JSON.readValue(rows.get(0), FILES)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("policy_archive row " + hash + " is not readable", e);
    }
  }

  /** An archived version: its hash, when it was first accepted, and how many files it has. */
  public record Version(String hash, Instant firstAcceptedAt, int files) {}

  /** The archived versions, most recently first accepted first, at most {@code limit}. */
  @Transactional
  public List<Version> versions(int limit) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select hash, first_accepted_at, jsonb_array_length(files) from policy_archive"
                    + " order by first_accepted_at desc, hash limit :n")
            .setParameter("n", limit)
            .getResultList();
    return rows.stream()
        .map(r -> new Version((String) r[0], toInstant(r[1]), ((Number) r[2]).intValue()))
        .toList();
  }

  private static Instant toInstant(Object value) {
    if (value instanceof Instant i) {
      return i;
    }
    if (value instanceof java.time.OffsetDateTime o) {
      return o.toInstant();
    }
    if (value instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    throw new IllegalStateException("not a time: " + value);
  }

  private static String write(List<PolicyFile> files) {
    try {
      return JSON.writeValueAsString(files);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("policy files cannot be written as JSON", e);
    }
  }
}
