package io.portcullis.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.provider.Credential;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialSealerTest {

  static final String KEY = "dGVzdC1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=";

  record Keys(Optional<String> key, Optional<String> keyFile, boolean generateKey)
      implements GrantConfig.Credentials {
    @Override
    public java.time.Duration window() {
      return java.time.Duration.ofMinutes(10);
    }
  }

  static CredentialSealer sealer(String key, Path dir) {
    GrantConfig config =
        (GrantConfig)
            java.lang.reflect.Proxy.newProxyInstance(
                GrantConfig.class.getClassLoader(),
                new Class<?>[] {GrantConfig.class},
                (p, m, a) -> {
                  if (m.getName().equals("credential")) {
                    return new Keys(Optional.ofNullable(key), Optional.empty(), false);
                  }
                  throw new UnsupportedOperationException(m.getName());
                });
    return new CredentialSealer(config, dir.toString());
  }

  @Test
  void sealsOpensAndBindsToTheGrant(@TempDir Path dir) {
    CredentialSealer s = sealer(KEY, dir);
    UUID grant = UUID.randomUUID();
    Credential c = Credential.of(Map.of("password", "hunter2-secret"));
    CredentialSealer.Sealed sealed = s.seal(grant, c);
    assertThat(new String(sealed.bytes(), StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
    assertThat(s.open(grant, sealed)).isEqualTo(c);
    assertThatThrownBy(() -> s.open(UUID.randomUUID(), sealed))
        .isInstanceOf(IllegalStateException.class);
    byte[] altered = sealed.bytes().clone();
    altered[altered.length - 1] ^= 1;
    assertThatThrownBy(() -> s.open(grant, new CredentialSealer.Sealed(sealed.keyId(), altered)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(c.toString()).doesNotContain("hunter2");
  }

  @Test
  void anotherKeyCannotOpenIt(@TempDir Path dir) {
    CredentialSealer a = sealer(KEY, dir);
    CredentialSealer b = sealer("cHJvZC1wcm9maWxlLWl0LWtleS0zMi1ieXRlcy0hISE=", dir);
    UUID grant = UUID.randomUUID();
    var sealed = a.seal(grant, Credential.of(Map.of("k", "v")));
    assertThat(a.keyId()).isNotEqualTo(b.keyId());
    assertThatThrownBy(() -> b.open(grant, sealed)).hasMessageContaining("sealed under key");
  }

  @Test
  void keysAreCheckedAndKeyFilesGeneratedOnlyWhenAllowed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(
            () ->
                CredentialSealer.loadKey(
                    new Keys(Optional.of("c2hvcnQ="), Optional.empty(), false), dir))
        .hasMessageContaining("must hold 32 bytes");
    assertThatThrownBy(
            () ->
                CredentialSealer.loadKey(new Keys(Optional.empty(), Optional.empty(), false), dir))
        .hasMessageContaining("portcullis.grants.credential.key");
    assertThatThrownBy(
            () ->
                CredentialSealer.loadKey(
                    new Keys(Optional.empty(), Optional.of("k.key"), false), dir))
        .hasMessageContaining("does not exist");
    byte[] generated =
        CredentialSealer.loadKey(new Keys(Optional.empty(), Optional.of("k.key"), true), dir);
    assertThat(generated).hasSize(32);
    assertThat(Files.getPosixFilePermissions(dir.resolve("k.key")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(
            CredentialSealer.loadKey(new Keys(Optional.empty(), Optional.of("k.key"), false), dir))
        .isEqualTo(generated);
  }
}
