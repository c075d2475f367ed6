package io.portcullis.catalog.model;

/** A named rule that approves a request without a person when its CEL condition holds. */
public record AutoApproval(String name, Expression when) {}
