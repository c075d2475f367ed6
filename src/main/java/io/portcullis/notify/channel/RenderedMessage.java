package io.portcullis.notify.channel;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One event said once for every channel: each channel lays it out its own way (an HTML email, Slack
 * blocks, an Adaptive Card, a signed JSON body). It carries no credential and no more personal data
 * than the event needs (subjects and entitlement names; the requester's email only as an address).
 *
 * @param kind the event kind ({@code request.review_requested}, …; see {@code Notification})
 * @param severity how loud
 * @param title one line: the email subject, the Slack fallback text, the card title
 * @param summary short sentences, in order
 * @param facts label and value pairs (requester, entitlement, until, …)
 * @param links deep links into the UI, absolute under the configured public base URL; the first is
 *     the primary action (open the request)
 * @param threadKey messages with the same key are about the same thing ({@code request:<id>},
 *     {@code grant:<id>}); a channel that can edit updates the earlier message ({@link
 *     Outgoing#previous()})
 * @param body the structured event, for channels that send data rather than prose (webhooks)
 */
public record RenderedMessage(
    String kind,
    Severity severity,
    String title,
    List<String> summary,
    List<Fact> facts,
    List<Link> links,
    String threadKey,
    EventBody body) {

  public RenderedMessage {
    Objects.requireNonNull(kind);
    Objects.requireNonNull(severity);
    Objects.requireNonNull(title);
    Objects.requireNonNull(threadKey);
    Objects.requireNonNull(body);
    summary = List.copyOf(summary);
    facts = List.copyOf(facts);
    links = List.copyOf(links);
  }

  /** How loud a message is. */
  public enum Severity {
    /** Something happened that the reader may want to know (approved, active, ended). */
    INFO,
    /** The reader is asked to act (a review waits, a grant ends soon). */
    ACTION,
    /** Something went wrong for a person (denied, expired, revoked early). */
    WARNING,
    /** An operator or security contact must look now (break-glass, IRREVOCABLE, kill switch). */
    CRITICAL
  }

  /** A label and its value. */
  public record Fact(String label, String value) {
    public Fact {
      Objects.requireNonNull(label);
      value = value == null ? "" : value;
    }
  }

  /** A labelled absolute link into the UI. */
  public record Link(String label, URI href) {
    public Link {
      Objects.requireNonNull(label);
      if (!href.isAbsolute()) {
        throw new IllegalArgumentException(
            "links are absolute (portcullis.notify.public-base-url)");
      }
    }
  }
}
