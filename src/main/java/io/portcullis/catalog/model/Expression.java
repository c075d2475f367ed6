package io.portcullis.catalog.model;

import io.portcullis.catalog.cel.CompiledCel;

/** A checked CEL expression with where it came from. */
public record Expression(String source, CompiledCel compiled, SourceLocation location) {}
