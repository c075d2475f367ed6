package io.portcullis.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * How the web forms are protected against cross-site request forgery
 * (src/docs/adr/0007-web-csrf.md).
 */
@ConfigMapping(prefix = "portcullis.web.csrf")
public interface CsrfConfig {

  /**
   * Name of the cookie that holds the random half of the token. The {@code __Host-} prefix makes
   * browsers refuse the cookie unless it is {@code Secure}, has {@code Path=/} and no {@code
   * Domain}, so that no sibling domain and no plain-http page can set it.
   */
  @WithDefault("__Host-portcullis-csrf")
  String cookieName();

  /**
   * Whether the cookie is {@code Secure} (sent over https only). The demo on http://localhost turns
   * it off together with the {@code __Host-} prefix; production refuses {@code false}.
   */
  @WithDefault("true")
  boolean cookieSecure();

  /**
   * The key that signs tokens (base64, at least 32 bytes), the same on every replica. Unset (the
   * default), it is derived from the audit HMAC key, which every replica already shares.
   */
  Optional<String> key();
}
