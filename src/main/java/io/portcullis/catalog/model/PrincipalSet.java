package io.portcullis.catalog.model;

/** A named, reusable set of principals, e.g. a vendor team whose eligibility ends on a date. */
public record PrincipalSet(String name, Principals members, SourceLocation location) {}
