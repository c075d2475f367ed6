package io.portcullis.provider.ssh;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The {@code ssh} provider's deployment settings ({@code portcullis.providers.ssh.*}). */
@ConfigMapping(prefix = "portcullis.providers.ssh")
public interface SshConfig {

  /**
   * The CA's private key: an unencrypted OpenSSH private key file holding one Ed25519 key (as
   * {@code ssh-keygen -t ed25519 -N '' -f ca} writes it), the same on every replica. A relative
   * path is resolved against {@code portcullis.data-dir}. When set, {@link #generateCa()} is
   * ignored.
   */
  Optional<String> caKeyFile();

  /**
   * Without {@link #caKeyFile()}: generate an Ed25519 CA key on first start into {@code
   * <portcullis.data-dir>/ssh/ca} (mode 0600, with {@code ca.pub}) and reuse it afterwards. For the
   * demo and tests: every replica would generate its own CA.
   */
  @WithDefault("false")
  boolean generateCa();

  /** How long before the grant's activation a certificate is already valid (host clock skew). */
  @WithDefault("PT1M")
  Duration clockSkew();

  /** The comment written into the published KRL. */
  Optional<String> krlComment();
}
