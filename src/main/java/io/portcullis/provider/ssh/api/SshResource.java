package io.portcullis.provider.ssh.api;

import io.portcullis.platform.error.Problem;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.secrets.Scrubber;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ssh.SshCertificateProvider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What sshd hosts fetch, without signing in: the CA public key they trust and the revocation list
 * they consult. Neither is secret.
 */
@Path("/api/v1/ssh")
@Tag(name = "ssh")
public class SshResource {

  private static final CacheControl NO_CACHE = CacheControl.valueOf("no-cache");

  private final SshCertificateProvider provider;

  SshResource(SshCertificateProvider provider) {
    this.provider = provider;
  }

  @GET
  @Path("/krl")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  @Operation(
      summary = "The SSH Key Revocation List",
      description =
          "An OpenSSH KRL (PROTOCOL.krl) listing the serials of certificates revoked before they"
              + " expired, for sshd's RevokedKeys. Public; fetch it periodically.")
  @APIResponse(responseCode = "200", description = "the KRL (binary)")
  @APIResponse(responseCode = "404", description = "the ssh provider is not configured")
  @APIResponse(responseCode = "503", description = "the CA or the database is unavailable")
  public Response krl() {
    byte[] krl = answer(() -> provider.krl().orElse(null));
    return Response.ok(krl, MediaType.APPLICATION_OCTET_STREAM_TYPE)
        .header("Content-Disposition", "attachment; filename=\"portcullis.krl\"")
        .cacheControl(NO_CACHE)
        .build();
  }

  @GET
  @Path("/ca")
  @Produces(MediaType.TEXT_PLAIN)
  @Operation(
      summary = "The SSH certificate authority's public key",
      description = "One line for sshd's TrustedUserCAKeys. Public.")
  @APIResponse(responseCode = "200", description = "the CA public key line")
  @APIResponse(responseCode = "404", description = "the ssh provider is not configured")
  @APIResponse(responseCode = "503", description = "the CA key cannot be read")
  public Response ca() {
    String line = answer(() -> provider.caPublicKey().orElse(null));
    return Response.ok(line + "\n", MediaType.TEXT_PLAIN_TYPE).cacheControl(NO_CACHE).build();
  }

  private interface Call<T> {
    T get() throws ProviderException;
  }

  private <T> T answer(Call<T> call) {
    T value;
    try {
      value = call.get();
    } catch (ProviderException e) {
      throw new Problems.Unavailable(Scrubber.scrub(e.getMessage()));
    }
    if (value == null) {
      throw new NotConfigured(
          "The ssh provider is not configured in this deployment: " + provider.configurationHint());
    }
    return value;
  }

  /** The provider is off here, so there is no CA and no revocation list. */
  static final class NotConfigured extends Problem {
    NotConfigured(String detail) {
      super(404, "not-found", "Not configured", detail, List.of());
    }
  }
}
