package io.portcullis.identity.demo;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.PasswordCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Demo sign-in: HTTP Basic for the API ({@code curl -u alice:alice}) and a signed session cookie
 * set by the {@code /login} form for the browser. Inert unless {@code portcullis.demo.enabled}.
 * Anonymous API calls are answered 401 with a Basic challenge, anonymous page views are sent to the
 * login form.
 */
@ApplicationScoped
public class DemoAuthenticationMechanism implements HttpAuthenticationMechanism {

  private final boolean enabled;
  private final DemoSessions sessions;

  DemoAuthenticationMechanism(DemoConfig config, DemoSessions sessions) {
    this.enabled = config.enabled();
    this.sessions = sessions;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identityProviderManager) {
    if (!enabled) {
      return Uni.createFrom().nullItem();
    }
    String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      Optional<String[]> userAndPassword = decodeBasic(authorization.substring(6).trim());
      if (userAndPassword.isEmpty()) {
        return Uni.createFrom()
            .failure(new AuthenticationFailedException("Malformed Basic header"));
      }
      String[] up = userAndPassword.get();
      return identityProviderManager.authenticate(
          new UsernamePasswordAuthenticationRequest(
              up[0], new PasswordCredential(up[1].toCharArray())));
    }
    Cookie cookie = context.request().getCookie(DemoSessions.COOKIE);
    if (cookie != null) {
      Optional<String> user = sessions.verify(cookie.getValue());
      if (user.isPresent()) {
        return identityProviderManager.authenticate(new TrustedAuthenticationRequest(user.get()));
      }
    }
    return Uni.createFrom().nullItem();
  }

  private static Optional<String[]> decodeBasic(String encoded) {
    try {
      String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        return Optional.empty();
      }
      return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    if (!enabled) {
      return Uni.createFrom().nullItem();
    }
    String path = context.normalizedPath();
    if (path.startsWith("/api/") || path.equals("/api")) {
      return Uni.createFrom()
          .item(new ChallengeData(401, "WWW-Authenticate", "Basic realm=\"Portcullis demo\""));
    }
    String next = URLEncoder.encode(path, StandardCharsets.UTF_8);
    return Uni.createFrom()
        .item(new ChallengeData(302, HttpHeaders.LOCATION, "/login?next=" + next));
  }

  @Override
  public Uni<Boolean> sendChallenge(RoutingContext context) {
    if (!enabled) {
      return Uni.createFrom().item(false);
    }
    return HttpAuthenticationMechanism.super.sendChallenge(context);
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(UsernamePasswordAuthenticationRequest.class, TrustedAuthenticationRequest.class);
  }

  @Override
  public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
    return Uni.createFrom()
        .item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "basic"));
  }

  @Override
  public int getPriority() {
    return DEFAULT_PRIORITY + 1000;
  }
}
