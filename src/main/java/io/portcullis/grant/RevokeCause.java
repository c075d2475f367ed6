package io.portcullis.grant;

import java.util.Locale;

/** Why a grant is being revoked. */
public enum RevokeCause {
  /** It reached {@code not_after}. */
  EXPIRY,
  /** The requester, an approver or an admin asked for it. */
  EARLY,
  /** An admin revoked everything matching a filter at once. */
  KILL_SWITCH;

  /** The stored and audited code. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RevokeCause of(String code) {
    return code == null ? null : valueOf(code.toUpperCase(Locale.ROOT));
  }
}
