package io.portcullis.provider.vault;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jboss.logging.Logger;

/**
 * TLS towards Vault as configured: the JDK's trust store, a PEM bundle of CAs ({@code
 * portcullis.vault.tls.ca-file}, every certificate in it), or no verification at all (which
 * production refuses).
 */
final class VaultTls {

  private static final Logger LOG = Logger.getLogger(VaultTls.class);

  private VaultTls() {}

  static SSLContext context(VaultSettings settings) throws ProviderException {
    try {
      if (!settings.tls().verify()) {
        LOG.warn(
            "TLS verification towards Vault is OFF (portcullis.vault.tls.verify=false); production"
                + " refuses this setting");
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        return c;
      }
      Optional<String> caFile = settings.tls().caFile().filter(f -> !f.isBlank());
      if (caFile.isEmpty()) {
        return SSLContext.getDefault();
      }
      return fromPem(caFile.get());
    } catch (GeneralSecurityException e) {
      throw new ProviderException(
          Kind.PERMANENT, "cannot set up TLS towards Vault: " + e.getClass().getSimpleName());
    }
  }

  /**
   * Trusts exactly the certificates of a PEM file (a CA bundle may hold several). The driver's own
   * {@code SslConfig.pemFile} reads only the first certificate and pins TLS 1.2, hence this.
   */
  private static SSLContext fromPem(String file) throws ProviderException {
    byte[] pem;
    try {
      pem = Files.readAllBytes(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new ProviderException(
          Kind.PERMANENT,
          "cannot read portcullis.vault.tls.ca-file '"
              + file
              + "' ("
              + e.getClass().getSimpleName()
              + ")");
    }
    try {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
      if (certs.isEmpty()) {
        throw new ProviderException(
            Kind.PERMANENT, "portcullis.vault.tls.ca-file '" + file + "' holds no PEM certificate");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        trust.setCertificateEntry("vault-ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, tmf.getTrustManagers(), new SecureRandom());
      return c;
    } catch (GeneralSecurityException | IOException e) {
      throw new ProviderException(
          Kind.PERMANENT,
          "portcullis.vault.tls.ca-file '"
              + file
              + "' is not a PEM certificate file ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  /** For {@code tls.verify=false} only (refused in production). */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
