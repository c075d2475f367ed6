package io.portcullis.notify.render;

import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox.Queued;
import io.portcullis.notify.channel.EventBody;
import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.channel.RenderedMessage.Fact;
import io.portcullis.notify.channel.RenderedMessage.Link;
import io.portcullis.notify.channel.RenderedMessage.Severity;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Says each event once, channel-neutral: a title, short sentences, facts and deep links under the
 * public base URL. It reads only the typed event, which carries no credential; the requester's
 * email is an address, never part of the text.
 */
public final class MessageRenderer {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final String base;

  public MessageRenderer(String publicBaseUrl) {
    String b = publicBaseUrl.strip();
    URI u = URI.create(b);
    if (!u.isAbsolute() || !(b.startsWith("http://") || b.startsWith("https://"))) {
      throw new IllegalArgumentException(
          "portcullis.notify.public-base-url must be an http(s) URL");
    }
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
  }

  public RenderedMessage render(Queued q) {
    Notification n = q.notification();
    EventBody body = new EventBody(q.id(), n.kind(), q.createdAt(), n);
    List<String> summary = new ArrayList<>();
    List<Fact> facts = new ArrayList<>();
    List<Link> links = new ArrayList<>();
    String title;
    Severity severity;
    String thread;
    if (n instanceof Notification.ReviewNeeded r) {
      thread = request(r.requestId());
      links.add(new Link("Open the request", link("/ui/requests/" + r.requestId())));
      facts.add(new Fact("Requester", r.requester()));
      facts.add(new Fact("Entitlements", String.join(", ", r.entitlements())));
      switch (r.kind()) {
        case Notification.ReviewNeeded.BREAK_GLASS_ACTIVATED -> {
          severity = Severity.CRITICAL;
          title = "BREAK-GLASS used by " + r.requester() + ": review it now";
          summary.add(
              r.requester()
                  + " used break-glass access: it is active already and must be reviewed after"
                  + " the fact.");
        }
        case Notification.ReviewNeeded.STAGE_ADVANCED -> {
          severity = Severity.ACTION;
          title = "Review needed (next stage): request by " + r.requester();
          summary.add("An earlier stage approved this request; it now waits for your stage.");
        }
        default -> {
          severity = Severity.ACTION;
          title = "Review needed: request by " + r.requester();
          summary.add(r.requester() + " asks for access and waits for a review.");
        }
      }
    } else if (n instanceof Notification.StageWaiting w) {
      thread = request(w.requestId());
      links.add(new Link("Open the request", link("/ui/requests/" + w.requestId())));
      facts.add(new Fact("Requester", w.requester()));
      facts.add(new Fact("Entitlements", String.join(", ", w.entitlements())));
      facts.add(new Fact("Stage", w.entitlement() + ": " + w.stage()));
      facts.add(new Fact("Waiting since", TIME.format(w.waitingSince())));
      if (w.kind().equals(Notification.StageWaiting.ESCALATED)) {
        severity = Severity.WARNING;
        title = "Review needed (escalated): request by " + w.requester();
        summary.add(
            "Stage "
                + w.stage()
                + " of "
                + w.entitlement()
                + " has waited since "
                + TIME.format(w.waitingSince())
                + " and was escalated to you: you may now decide it.");
      } else {
        severity = Severity.ACTION;
        title = "Reminder: review needed: request by " + w.requester();
        summary.add(
            "Stage "
                + w.stage()
                + " of "
                + w.entitlement()
                + " has waited for your review since "
                + TIME.format(w.waitingSince())
                + ".");
      }
    } else if (n instanceof Notification.RequestDecided d) {
      thread = request(d.requestId());
      links.add(new Link("Open the request", link("/ui/requests/" + d.requestId())));
      facts.add(new Fact("Requester", d.requester()));
      facts.add(new Fact("Entitlements", String.join(", ", d.entitlements())));
      String who = d.by() == null ? "" : " by " + d.by();
      switch (d.kind()) {
        case Notification.RequestDecided.APPROVED -> {
          severity = Severity.INFO;
          title = "Request approved" + who;
          summary.add("The request was approved" + who + "; access is being granted.");
        }
        case Notification.RequestDecided.DENIED -> {
          severity = Severity.WARNING;
          title = "Request denied" + who;
          summary.add("The request was denied" + who + ".");
        }
        case Notification.RequestDecided.CANCELLED -> {
          severity = Severity.INFO;
          title = "Request cancelled" + who;
          summary.add("The request was cancelled" + who + "; no review is needed any more.");
        }
        default -> {
          severity = Severity.WARNING;
          title = "Request expired without a decision";
          summary.add("Nobody decided the request in time; ask again if you still need access.");
        }
      }
      if (d.by() != null) {
        facts.add(new Fact("By", d.by()));
      }
    } else if (n instanceof Notification.GrantChanged g) {
      thread = g.requestId() != null ? request(g.requestId()) : "grant:" + g.grant();
      URI grant = link("/ui/grants/" + g.grant());
      facts.add(new Fact("Entitlement", g.entitlement()));
      facts.add(new Fact("Holder", g.requester()));
      if (g.notAfter() != null) {
        facts.add(new Fact("Until", TIME.format(g.notAfter())));
      }
      switch (g.kind()) {
        case Notification.GrantChanged.ACTIVE -> {
          severity = Severity.INFO;
          title = "Access active: " + g.entitlement();
          summary.add("Your access to " + g.entitlement() + " is active.");
          if (g.credentialReady()) {
            summary.add(
                "A credential waits for you in Portcullis: collect it there (it is shown once).");
            links.add(new Link("Collect the credential", grant));
          } else {
            links.add(new Link("Open the grant", grant));
          }
        }
        case Notification.GrantChanged.ENDING -> {
          severity = Severity.ACTION;
          title = "Access ends soon: " + g.entitlement();
          summary.add(
              "Your access to " + g.entitlement() + " ends at " + TIME.format(g.notAfter()) + ".");
          links.add(new Link("Extend", link("/ui/grants/" + g.grant() + "#extend")));
          links.add(new Link("Open the grant", grant));
        }
        default -> {
          severity = Severity.WARNING;
          String who = g.by() == null ? "" : " by " + g.by();
          title = "Access revoked" + who + ": " + g.entitlement();
          summary.add("Access to " + g.entitlement() + " was revoked" + who + " before its end.");
          if (g.by() != null) {
            facts.add(new Fact("By", g.by()));
          }
          if (g.cause() != null) {
            facts.add(new Fact("Cause", g.cause()));
          }
          links.add(new Link("Open the grant", grant));
        }
      }
    } else if (n instanceof Notification.GrantIrrevocable g) {
      severity = Severity.CRITICAL;
      thread = "grant:" + g.grant();
      title = "IRREVOCABLE: " + g.entitlement() + " could not be revoked";
      summary.add(
          "Access of "
              + g.requester()
              + " to "
              + g.entitlement()
              + " could not be revoked after "
              + g.attempts()
              + " attempts. Remove it by hand at the provider, then acknowledge it.");
      facts.add(new Fact("Grant", g.grant().toString()));
      facts.add(new Fact("Provider", g.provider()));
      facts.add(new Fact("Last error", g.error()));
      links.add(new Link("Open IRREVOCABLE grants", link("/ui/admin/irrevocable")));
    } else if (n instanceof Notification.RevocationLagging l) {
      severity = Severity.CRITICAL;
      thread = "system:" + n.kind();
      title = l.lagging() + " revocation(s) are late";
      summary.add(
          "Revocations run later than the budget of "
              + l.budget().toMinutes()
              + " min; the worst by "
              + l.worstLag().toMinutes()
              + " min. Are the grant workers running and the providers reachable?");
      links.add(new Link("Open the admin pages", link("/ui/admin")));
    } else if (n instanceof Notification.ReviewDue d) {
      boolean overdue = d.kind().equals(Notification.ReviewDue.OVERDUE);
      severity = overdue ? Severity.WARNING : Severity.ACTION;
      thread = "campaign:" + d.campaign();
      title = (overdue ? "Access review overdue: " : "Access review due: ") + d.title();
      summary.add(d.openItems() + " item(s) still open; due " + TIME.format(d.dueAt()) + ".");
      links.add(
          new Link("Open the campaign", link("/ui/access-reviews/campaigns/" + d.campaign())));
    } else if (n instanceof Notification.KillSwitchUsed k) {
      severity = Severity.CRITICAL;
      thread = "killswitch:" + k.operation();
      title = "KILL SWITCH used by " + k.by();
      summary.add(
          k.by()
              + " used the kill switch on "
              + k.scope()
              + ": "
              + k.grants()
              + " grant(s) revoked, "
              + k.requests()
              + " request(s) cancelled.");
      links.add(
          new Link(
              "Open the operation", link("/ui/admin/kill-switch/operations/" + k.operation())));
    } else if (n instanceof Notification.BreakGlassOverdue b) {
      severity = Severity.CRITICAL;
      thread = request(b.requestId());
      title = "BREAK-GLASS review overdue: request by " + b.requester();
      summary.add(
          b.requester()
              + " used break-glass access, and nobody has reviewed it since; it was due "
              + TIME.format(b.reviewDue())
              + ". Review it now.");
      facts.add(new Fact("Requester", b.requester()));
      facts.add(new Fact("Entitlements", String.join(", ", b.entitlements())));
      facts.add(new Fact("Escalated by", b.escalatedBy()));
      links.add(new Link("Review the follow-up", link("/ui/admin/break-glass/" + b.requestId())));
    } else if (n instanceof Notification.DeadLetters d) {
      severity = Severity.WARNING;
      thread = "system:" + n.kind();
      title = d.dead() + " notification(s) could not be delivered";
      summary.add("Deliveries are dead and wait for an admin to retry them.");
      if (d.oldestReason() != null) {
        facts.add(new Fact("Latest reason", d.oldestReason()));
      }
      links.add(new Link("Open dead letters", link("/ui/admin/notifications")));
    } else if (n instanceof Notification.Digest d) {
      severity = Severity.INFO;
      thread = "digest:" + d.person();
      boolean release = Notification.Digest.RELEASE.equals(d.reason());
      title =
          (release ? "Your held notifications: " : "Your daily digest for " + d.day() + ": ")
              + d.items().size()
              + " notification(s)";
      summary.add(
          (release
                  ? "You chose to hear everything at once again; these were held for your digest."
                  : "What happened since your last digest, oldest first.")
              + " Times are in "
              + d.zone()
              + ".");
      for (Notification.Digest.Item i : d.items()) {
        if (i.link() != null) {
          links.add(new Link(i.title(), URI.create(i.link())));
        }
      }
      links.add(new Link("Notification settings", link("/ui/me/notifications")));
    } else {
      throw new IllegalArgumentException("no rendering for " + n.kind());
    }
    if (n.requestId() != null) {
      facts.add(new Fact("Request", n.requestId().toString()));
    }
    facts.add(new Fact("When", TIME.format(q.createdAt())));
    return new RenderedMessage(n.kind(), severity, title, summary, facts, links, thread, body);
  }

  private static String request(UUID id) {
    return "request:" + id;
  }

  private URI link(String path) {
    return URI.create(base + path);
  }

  /** For tests: the time format used in messages. */
  static String time(Instant t) {
    return TIME.format(t);
  }
}
