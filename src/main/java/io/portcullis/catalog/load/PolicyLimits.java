package io.portcullis.catalog.load;

/** Bounds that keep hostile or broken policy files from hurting the service. */
public final class PolicyLimits {
  private PolicyLimits() {}

  /** Largest policy file read, in bytes. */
  public static final int MAX_FILE_BYTES = 1024 * 1024;

  /** Largest policy set, in bytes over all files. */
  public static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;

  /** Most files in one policy directory. */
  public static final int MAX_FILES = 2_000;

  /** Deepest YAML nesting accepted. */
  public static final int MAX_NESTING = 24;

  /** Longest CEL expression, in characters. */
  public static final int MAX_EXPRESSION_CHARS = 2_000;
}
