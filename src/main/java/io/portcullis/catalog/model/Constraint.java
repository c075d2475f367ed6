package io.portcullis.catalog.model;

/**
 * A CEL condition that must hold for a request, and what to tell the requester when it does not.
 */
public record Constraint(Expression when, String message) {}
