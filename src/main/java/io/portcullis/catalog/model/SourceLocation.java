package io.portcullis.catalog.model;

/** Where something was written: file relative to the policy directory, 1-based line and column. */
public record SourceLocation(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
