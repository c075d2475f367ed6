package io.portcullis.provider;

import java.time.Instant;

/**
 * The outcome of a renewal.
 *
 * @param effectiveUntil the residual window after the new end, or null
 */
public record Renewed(Instant effectiveUntil) {}
