package io.portcullis.identity.demo;

import io.portcullis.identity.Caller;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Turns demo credentials into security identities; refuses everything unless demo is on. */
public final class DemoIdentityProviders {

  private DemoIdentityProviders() {}

  static SecurityIdentity identity(Caller caller) {
    return QuarkusSecurityIdentity.builder()
        .setPrincipal(new QuarkusPrincipal(caller.subject()))
        .addRoles(caller.groups())
        .addAttribute(DemoUsers.CALLER_ATTRIBUTE, caller)
        .build();
  }

  /** Password sign-in (HTTP Basic). */
  @ApplicationScoped
  public static class Password implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
    private final boolean enabled;

    Password(DemoConfig config) {
      this.enabled = config.enabled();
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
      return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
        UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
      Optional<Caller> caller =
          enabled
              ? DemoUsers.verify(request.getUsername(), request.getPassword().getPassword())
              : Optional.empty();
      return caller
          .map(c -> Uni.createFrom().item(identity(c)))
          .orElseGet(
              () ->
                  Uni.createFrom()
                      .failure(
                          new AuthenticationFailedException("Unknown user or wrong password")));
    }
  }

  /** Session cookie sign-in: the cookie's signature already proved who it is. */
  @ApplicationScoped
  public static class Session implements IdentityProvider<TrustedAuthenticationRequest> {
    private final boolean enabled;

    Session(DemoConfig config) {
      this.enabled = config.enabled();
    }

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
      return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
        TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
      Optional<Caller> caller = enabled ? DemoUsers.find(request.getPrincipal()) : Optional.empty();
      return caller
          .map(c -> Uni.createFrom().item(identity(c)))
          .orElseGet(
              () -> Uni.createFrom().failure(new AuthenticationFailedException("Unknown user")));
    }
  }
}
