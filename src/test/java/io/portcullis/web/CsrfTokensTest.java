package io.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** The binding of a CSRF token to its cookie, person and session, without a server. */
class CsrfTokensTest {

  static CsrfConfig config(String name, boolean secure, String key) {
    return new CsrfConfig() {
      @Override
      public String cookieName() {
        return name;
      }

      @Override
      public boolean cookieSecure() {
        return secure;
      }

      @Override
      public Optional<String> key() {
        return Optional.ofNullable(key);
      }
    };
  }

  static final String KEY_A = "dGVzdC1vbmx5LWNzcmYta2V5LWEtMzItYnl0ZXMtbG9uZyE=";
  static final String KEY_B = "dGVzdC1vbmx5LWNzcmYta2V5LWItMzItYnl0ZXMtbG9uZyE=";

  static CsrfTokens tokens(String key) {
    return new CsrfTokens(config("__Host-portcullis-csrf", true, key), null, null, null);
  }

  @Test
  void aTokenBelongsToOneCookieOnePersonAndOneSession() {
    CsrfTokens t = tokens(KEY_A);
    String token = t.token("cookie-1", "demo:alice", "demo-session:s1");
    assertThat(t.token("cookie-1", "demo:alice", "demo-session:s1")).isEqualTo(token);
    assertThat(
            List.of(
                t.token("cookie-2", "demo:alice", "demo-session:s1"),
                t.token("cookie-1", "demo:bob", "demo-session:s1"),
                t.token("cookie-1", "demo:alice", "demo-session:s2"),
                t.token("cookie-1", "", "anonymous"),
                tokens(KEY_B).token("cookie-1", "demo:alice", "demo-session:s1")))
        .doesNotContain(token)
        .doesNotHaveDuplicates();
    // the parts cannot be shifted into each other
    assertThat(t.token("ab", "c", "d")).isNotEqualTo(t.token("a", "bc", "d"));
    assertThat(token).matches("[A-Za-z0-9_-]{43}");
  }

  /** A verified ID token with the given claims. */
  static JsonWebToken jwt(Map<String, Object> claims) {
    return new JsonWebToken() {
      @Override
      public String getName() {
        return (String) claims.get("sub");
      }

      @Override
      public Set<String> getClaimNames() {
        return claims.keySet();
      }

      @Override
      @SuppressWarnings("unchecked")
      public <T> T getClaim(String name) {
        return (T) claims.get(name);
      }
    };
  }

  @Test
  void anOidcSessionIsItsSidElseItsAuthenticationTime() {
    Map<String, Object> one =
        new HashMap<>(Map.of("iss", "https://idp", "sub", "u1", "sid", "s-1"));
    Map<String, Object> two = new HashMap<>(one);
    two.put("sid", "s-2");
    assertThat(CsrfTokens.oidcSession(jwt(one))).isEqualTo("oidc-sid:https://idp|s-1");
    assertThat(CsrfTokens.oidcSession(jwt(two))).isNotEqualTo(CsrfTokens.oidcSession(jwt(one)));
    // a refreshed ID token of the same session keeps sid (and auth_time), so the token stays valid
    Map<String, Object> refreshed = new HashMap<>(one);
    refreshed.put("iat", 1_900_000_000L);
    assertThat(CsrfTokens.oidcSession(jwt(refreshed))).isEqualTo(CsrfTokens.oidcSession(jwt(one)));

    Map<String, Object> noSid = new HashMap<>(Map.of("iss", "https://idp", "sub", "u1"));
    noSid.put("auth_time", 1_800_000_000L);
    Map<String, Object> later = new HashMap<>(noSid);
    later.put("auth_time", 1_800_000_600L);
    assertThat(CsrfTokens.oidcSession(jwt(noSid)))
        .isEqualTo("oidc-auth-time:https://idp|1800000000");
    assertThat(CsrfTokens.oidcSession(jwt(later))).isNotEqualTo(CsrfTokens.oidcSession(jwt(noSid)));
  }

  @Test
  void aHostPrefixedCookieMustBeSecureAndAShortKeyIsRefused() {
    CsrfTokens insecure = new CsrfTokens(config("__Host-x", false, KEY_A), null, null, null);
    assertThatThrownBy(() -> insecure.onStart(null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("__Host-")
        .hasMessageContaining("cookie-secure");
    CsrfTokens badName = new CsrfTokens(config("a b;c", false, KEY_A), null, null, null);
    assertThatThrownBy(() -> badName.onStart(null)).isInstanceOf(IllegalStateException.class);
    CsrfTokens shortKey = new CsrfTokens(config("csrf", false, "c2hvcnQ="), null, null, null);
    assertThatThrownBy(() -> shortKey.onStart(null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least 32 bytes");
    // the demo's setting: no prefix, not Secure (plain http://localhost)
    new CsrfTokens(config("portcullis-csrf", false, KEY_A), null, null, null).onStart(null);
  }

  @Test
  void onlyUrlEncodedFormsCount() {
    assertThat(WebFormGuard.isForm("application/x-www-form-urlencoded")).isTrue();
    assertThat(WebFormGuard.isForm("application/x-www-form-urlencoded; charset=UTF-8")).isTrue();
    assertThat(WebFormGuard.isForm("Application/X-WWW-Form-Urlencoded")).isTrue();
    for (String other :
        new String[] {
          null,
          "",
          "text/plain",
          "application/json",
          "multipart/form-data; boundary=x",
          "*/*",
          "application/*",
          "application/x-www-form-urlencoded-not",
          "garbage;;;"
        }) {
      assertThat(WebFormGuard.isForm(other)).as(String.valueOf(other)).isFalse();
    }
  }

  @Test
  void everythingButTheApiAndQuarkusPathsIsAWebPath() {
    for (String web : new String[] {"/", "/ui", "/ui/requests/x/review", "/login", "/logout"}) {
      assertThat(WebFormGuard.isWebPath(web)).as(web).isTrue();
    }
    for (String other : new String[] {"/api", "/api/v1/requests", "/q/health", "/q"}) {
      assertThat(WebFormGuard.isWebPath(other)).as(other).isFalse();
    }
    assertThat(WebFormGuard.isWebPath("/apix")).isTrue();
  }

  @Test
  void everyWebPostDeclaresAUrlEncodedForm() {
    // defence in depth behind WebFormGuard: the methods themselves accept nothing else
    List<Method> posts =
        Arrays.stream(
                new Class<?>[] {
                  RequestPages.class,
                  GrantPages.class,
                  LoginResource.class,
                  HomeResource.class,
                  StepUpPages.class
                })
            .flatMap(c -> Arrays.stream(c.getDeclaredMethods()))
            .filter(m -> m.isAnnotationPresent(POST.class))
            .toList();
    assertThat(posts).hasSize(10); // with GrantPages.extend
    for (Method m : posts) {
      assertThat(m.getAnnotation(Consumes.class)).as(m.toString()).isNotNull();
      assertThat(m.getAnnotation(Consumes.class).value())
          .as(m.toString())
          .containsExactly(MediaType.APPLICATION_FORM_URLENCODED);
    }
  }
}
