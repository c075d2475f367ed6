package io.portcullis.catalog.load;

import io.portcullis.catalog.cel.CelEngine;
import io.portcullis.catalog.model.PolicySet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/** Loads and validates a whole policy directory: all problems at once, or a usable policy set. */
public final class PolicyLoader {

  private final CelEngine cel;

  public PolicyLoader(CelEngine cel) {
    this.cel = cel;
  }

  /**
   * The outcome of a load.
   *
   * @param policy the policy set, or null when there were problems
   * @param hash content hash of the files read (also computed for a rejected set)
   */
  public record Result(PolicySet policy, List<PolicyIssue> issues, String hash, int files) {
    public boolean ok() {
      return policy != null;
    }
  }

  public Result load(Path directory, Instant now) {
    return load(directory, PolicyFiles.read(directory), now);
  }

  /** The content hash of what {@link PolicyFiles#read} found, to skip reloading unchanged files. */
  public static String hashOf(PolicyFiles.Read read) {
    return hash(read.files());
  }

  /** Parses files already read from {@code directory}. */
  public Result load(Path directory, PolicyFiles.Read read, Instant now) {
    List<PolicyIssue> issues = new ArrayList<>(read.issues());
    String hash = hash(read.files());
    PolicyParser parser = new PolicyParser(cel, issues);
    for (PolicyFiles.PolicyFile f : read.files()) {
      Node root = SafeYaml.parse(f.name(), f.text(), issues);
      if (root != null) {
        parser.parseFile(new Nodes(f.name(), issues), root);
      }
    }
    parser.finish();
    if (read.files().isEmpty() && read.issues().isEmpty()) {
      issues.add(
          new PolicyIssue(
              new io.portcullis.catalog.model.SourceLocation(directory.toString(), 0, 0),
              "no policy files (*.yaml) found",
              "put policy documents in " + directory));
    }
    if (!issues.isEmpty()) {
      return new Result(null, List.copyOf(issues), hash, read.files().size());
    }
    return new Result(
        new PolicySet(
            hash,
            now,
            read.files().size(),
            parser.entitlements,
            parser.principalSets,
            parser.knownGroups,
            parser.warnings,
            parser.accessReviews),
        List.of(),
        hash,
        read.files().size());
  }

  static String hash(List<PolicyFiles.PolicyFile> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (PolicyFiles.PolicyFile f : files) {
        md.update(f.name().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(f.text().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
