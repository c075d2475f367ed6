package io.portcullis.notify.email;

import io.portcullis.notify.channel.Address;
import io.portcullis.notify.channel.Channel;
import io.portcullis.notify.channel.Outgoing;
import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.channel.SendOutcome;
import io.portcullis.notify.config.EmailConfig;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Email through Quarkus Mailer (SMTP from {@code quarkus.mailer.*}): HTML with a plain-text
 * alternative. The {@code Message-ID} is derived from the idempotency key, so a message sent again
 * after a crash has the same id and mail systems can drop it.
 */
@ApplicationScoped
public class EmailChannel implements Channel {

  public static final String NAME = "email";

  private final Mailer mailer;
  private final EmailConfig config;

  EmailChannel(Mailer mailer, EmailConfig config) {
    this.mailer = mailer;
    this.config = config;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean enabled() {
    return config.enabled();
  }

  @Override
  public SendOutcome send(Outgoing o) {
    if (!(o.address() instanceof Address.Email to)) {
      return new SendOutcome.Permanent("not an email address");
    }
    RenderedMessage m = o.message();
    String messageId = "<" + o.idempotencyKey() + "@portcullis>";
    Mail mail =
        Mail.withHtml(
                to.value(), EmailLayout.subject(config.subjectPrefix(), m), EmailLayout.html(m))
            .setText(EmailLayout.text(m))
            .addHeader("Message-ID", messageId)
            .addHeader("X-Portcullis-Event", m.kind())
            .addHeader("X-Portcullis-Idempotency-Key", o.idempotencyKey());
    o.previous().ifPresent(p -> mail.addHeader("In-Reply-To", p).addHeader("References", p));
    if (m.severity() == RenderedMessage.Severity.CRITICAL) {
      mail.addHeader("Importance", "high").addHeader("X-Priority", "1");
    }
    config.from().ifPresent(mail::setFrom);
    try {
      mailer.send(mail);
      return new SendOutcome.Sent(messageId);
    } catch (RuntimeException e) {
      // SMTP answers do not say reliably which failures are final: retry, then dead
      return new SendOutcome.Retryable("SMTP: " + e.getClass().getSimpleName());
    }
  }
}
