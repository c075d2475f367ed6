package io.portcullis.catalog.load;

import io.portcullis.catalog.model.SourceLocation;

/**
 * One problem found while loading policy: where, what, and how to fix it.
 *
 * @param location file, line and column (line 0 when the problem concerns a whole file)
 */
public record PolicyIssue(SourceLocation location, String message, String hint) {
  @Override
  public String toString() {
    return location + ": " + message + (hint == null ? "" : " (" + hint + ")");
  }
}
