package io.portcullis.catalog.model;

/**
 * One approval stage: {@code approvals} approvals from eligible reviewers complete it, {@code
 * denials} denials end the request.
 *
 * @param reviewers who may review; a reviewer matches users, groups or sets
 * @param reviewerFilter optional CEL over {@code reviewer}, {@code requester} and {@code request};
 *     when present a reviewer must also satisfy it
 */
public record Stage(
    String name, int approvals, int denials, Principals reviewers, Expression reviewerFilter) {}
