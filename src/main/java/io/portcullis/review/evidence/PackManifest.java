package io.portcullis.review.evidence;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.platform.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code manifest.json} of an evidence pack: what the pack is of, how each file was produced, and
 * the SHA-256 of every file. Written as canonical JSON (sorted members, no white space) so that the
 * detached signature in {@code manifest.sig} is over exactly these bytes; read back strictly
 * (unknown members are refused: a manifest edited to say more is not this format).
 *
 * @param format the manifest format; a verifier refuses others
 * @param generator what wrote the pack ({@code portcullis <version>})
 * @param generatedAt ISO-8601
 * @param queries per produced file, the parameters it was computed with
 * @param files every other file of the pack, by name
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PackManifest(
    int format,
    String generator,
    String generatedAt,
    Campaign campaign,
    List<Query> queries,
    List<FileEntry> files,
    Ledger ledger,
    String signerKeyId) {

  public static final int FORMAT = 1;
  public static final String NAME = "manifest.json";
  public static final String SIGNATURE = "manifest.sig";

  public PackManifest {
    Objects.requireNonNull(campaign, "campaign");
    Objects.requireNonNull(ledger, "ledger");
    queries = List.copyOf(queries);
    files = List.copyOf(files);
  }

  /**
   * The campaign the pack is of.
   *
   * @param scope the entitlements in scope, sorted
   * @param principalSet the one set an off-cycle campaign is narrowed to, or null
   * @param snapshotSha256 the hash of the snapshot taken when it opened (recomputed by verifiers)
   * @param state the campaign's state when the pack was made ({@code CLOSED} for a final pack)
   */
  public record Campaign(
      String id,
      String definition,
      String title,
      String state,
      List<String> scope,
      String principalSet,
      String periodStart,
      String periodEnd,
      String openedAt,
      String dueAt,
      String closedAt,
      String signedOffBy,
      String signedOffAt,
      String policyAtOpen,
      long snapshotToSeq,
      String snapshotSha256) {
    public Campaign {
      scope = List.copyOf(scope);
    }
  }

  /** How one file was produced: the file and the parameters of its query, by name. */
  public record Query(String file, Map<String, Object> parameters) {
    public Query {
      parameters = Map.copyOf(parameters);
    }
  }

  /**
   * One file of the pack.
   *
   * @param rows data rows of a CSV file (the header not counted), or null for other files
   */
  public record FileEntry(String name, String sha256, long bytes, Long rows) {}

  /**
   * The ledger extract the pack carries: events {@code fromSeq..toSeq}, the hash of the last, and
   * the signed checkpoint that covers {@code toSeq}.
   */
  public record Ledger(
      long fromSeq,
      long toSeq,
      String headHash,
      long checkpointSeq,
      String checkpointHash,
      String checkpointKeyId) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The canonical bytes that are hashed and signed. */
  public byte[] bytes() {
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = JSON.convertValue(this, Map.class);
    return CanonicalJson.write(tree).getBytes(StandardCharsets.UTF_8);
  }

  /** The entry of a file, if the manifest lists it. */
  public Optional<FileEntry> file(String name) {
    return files.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /**
   * Reads a manifest.
   *
   * @throws IllegalArgumentException naming what is wrong: not JSON, unknown members, another
   *     format, or bytes that are not its canonical form
   */
  public static PackManifest parse(byte[] bytes) {
    PackManifest m;
    try {
      m = JSON.readValue(bytes, PackManifest.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "manifest.json is not a manifest: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("manifest.json cannot be read: " + e.getMessage());
    }
    if (m.format() != FORMAT) {
      throw new IllegalArgumentException(
          "manifest.json is format " + m.format() + "; this verifier reads format " + FORMAT);
    }
    if (!java.util.Arrays.equals(m.bytes(), bytes)) {
      throw new IllegalArgumentException(
          "manifest.json is not in canonical form (sorted members, no white space): it was"
              + " rewritten after it was made");
    }
    return m;
  }
}
