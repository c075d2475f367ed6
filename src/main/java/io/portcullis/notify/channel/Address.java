package io.portcullis.notify.channel;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a message goes, typed per channel. Written in policy's {@code notify:} and in configuration
 * as {@code <channel>:<value>}: {@code email:ops@example.com}, {@code slack:#access-requests},
 * {@code teams:platform} (a configured Teams webhook), {@code webhook:siem} (a configured
 * endpoint). {@link #target()} gives that text back; it is the address part of the idempotency key.
 */
public sealed interface Address {

  /** The channel that serves this address ({@link Channel#name()}). */
  String channel();

  /** The address without its channel prefix. */
  String value();

  /** {@code channel:value}, as written in policy and configuration. */
  default String target() {
    return channel() + ":" + value();
  }

  /** An email address (the verified email claim, a group list, a security contact). */
  record Email(String value) implements Address {
    private static final Pattern SHAPE =
        Pattern.compile("[^@\\s<>\",;]+@[^@\\s<>\",;]+\\.[^@\\s<>\",;]+");

    public Email {
      value = value.strip();
      if (!SHAPE.matcher(value).matches()) {
        throw new IllegalArgumentException("not an email address");
      }
    }

    @Override
    public String channel() {
      return "email";
    }
  }

  /** A Slack conversation: {@code #name}, a channel id ({@code C…}) or a user id ({@code U…}). */
  record Slack(String value) implements Address {
    public Slack {
      value = value.strip();
      if (value.isEmpty()
          || value.length() > 80
          || value.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("not a Slack conversation");
      }
    }

    @Override
    public String channel() {
      return "slack";
    }
  }

  /** A Microsoft Teams Workflows webhook, by its configured name. */
  record Teams(String value) implements Address {
    public Teams {
      value = name(value, "Teams webhook");
    }

    @Override
    public String channel() {
      return "teams";
    }
  }

  /** A generic signed webhook endpoint, by its configured name. */
  record Webhook(String value) implements Address {
    public Webhook {
      value = name(value, "webhook");
    }

    @Override
    public String channel() {
      return "webhook";
    }
  }

  /**
   * Reads {@code channel:value}; empty for anything else (an unknown channel, a malformed value),
   * so that one bad policy target never stops the others.
   */
  static Optional<Address> parse(String target) {
    if (target == null) {
      return Optional.empty();
    }
    int colon = target.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    String channel = target.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    String value = target.substring(colon + 1);
    try {
      return Optional.ofNullable(
          switch (channel) {
            case "email", "mailto" -> new Email(value);
            case "slack" -> new Slack(value);
            case "teams" -> new Teams(value);
            case "webhook" -> new Webhook(value);
            default -> null;
          });
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String name(String value, String what) {
    String v = value.strip();
    if (!v.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
      throw new IllegalArgumentException("not a " + what + " name");
    }
    return v;
  }
}
