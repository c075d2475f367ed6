package io.portcullis.identity.api;

import io.portcullis.identity.demo.DemoConfig;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the {@code portcullis} command line needs to know before anyone signs in: where the identity
 * provider is, which public client runs the device authorization grant (RFC 8628), and whether the
 * demo's Basic sign-in is on. Public: none of it is secret, and an OIDC discovery document says the
 * same.
 */
@Path("/api/v1/cli/config")
@Tag(name = "identity")
public class CliConfigResource {

  private final DemoConfig demo;
  private final boolean oidcEnabled;
  private final String issuer;
  private final String clientId;
  private final List<String> scopes;

  CliConfigResource(
      DemoConfig demo,
      @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "true")
          boolean oidcEnabled,
      @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> issuer,
      @ConfigProperty(name = "portcullis.cli.client-id", defaultValue = "portcullis-cli")
          String clientId,
      @ConfigProperty(name = "portcullis.cli.scopes", defaultValue = "openid")
          List<String> scopes) {
    this.demo = demo;
    this.oidcEnabled = oidcEnabled;
    this.issuer = issuer.orElse(null);
    this.clientId = clientId;
    this.scopes = List.copyOf(scopes);
  }

  /**
   * The command line's sign-in settings.
   *
   * @param issuer the OIDC issuer the API trusts (its discovery document names the device
   *     authorization endpoint), or null when no identity provider is configured
   * @param clientId the public client the command line signs in as, or null without an issuer
   * @param scopes the scopes it asks for
   * @param basicSignIn whether the demo users may sign in with HTTP Basic ({@code make run})
   */
  public record CliConfig(
      String issuer, String clientId, List<String> scopes, boolean basicSignIn) {}

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Sign-in settings for the portcullis command line (public)",
      description =
          "The OIDC issuer and the public client id for the device authorization grant (RFC"
              + " 8628), the scopes to ask for, and whether the demo's Basic sign-in is on. No"
              + " sign-in needed; nothing here is secret.")
  public CliConfig config() {
    boolean oidc = oidcEnabled && issuer != null && !issuer.isBlank();
    return new CliConfig(
        oidc ? issuer : null, oidc ? clientId : null, oidc ? scopes : List.of(), demo.enabled());
  }
}
