package io.portcullis.notify.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * {@code portcullis.notify.email.*}: the email channel. The SMTP server, port, TLS and login are
 * Quarkus Mailer's ({@code quarkus.mailer.host}, {@code quarkus.mailer.password=${SMTP_PASSWORD}},
 * …), so the password is only ever a reference to the environment or a file.
 */
@ConfigMapping(prefix = "portcullis.notify.email")
public interface EmailConfig {

  /** Off by default: no deliveries are made for email until an SMTP server is configured. */
  @WithDefault("false")
  boolean enabled();

  /** The sender; defaults to {@code quarkus.mailer.from}. */
  Optional<String> from();

  /** Put before every subject. */
  @WithDefault("[Portcullis]")
  String subjectPrefix();
}
