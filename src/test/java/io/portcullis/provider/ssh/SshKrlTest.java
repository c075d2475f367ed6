package io.portcullis.provider.ssh;

import static io.portcullis.provider.ssh.SshTesting.keygen;
import static io.portcullis.provider.ssh.SshTesting.krlSerials;
import static io.portcullis.provider.ssh.SshTesting.read;
import static io.portcullis.provider.ssh.SshTesting.revokedPerOpenSsh;
import static io.portcullis.provider.ssh.SshTesting.run;
import static io.portcullis.provider.ssh.SshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KRL encoder, judged by OpenSSH: {@code ssh-keygen -Q} must find exactly the listed
 * certificates revoked, and {@code ssh-keygen -Q -l} must read back what was written, the same as
 * from a KRL that {@code ssh-keygen -k} wrote itself.
 */
class SshKrlTest {

  @TempDir static Path dir;
  static Path ca;
  static byte[] caBlob;
  static Path user;

  @BeforeAll
  static void keys() {
    ca = keygen(dir, "krl-ca", "ed25519", null);
    caBlob = Base64.getDecoder().decode(read(Path.of(ca + ".pub")).split(" ")[1]);
    user = keygen(dir, "krl-user", "ed25519", null);
  }

  /** A certificate signed by {@code ssh-keygen -s} (not by Portcullis) with this serial. */
  static String certificate(Path caKey, String serial) {
    Path copy = dir.resolve("u-" + serial);
    write(copy.resolveSibling("u-" + serial + ".pub"), read(Path.of(user + ".pub")));
    run(
            dir,
            "ssh-keygen",
            "-q",
            "-s",
            caKey.toString(),
            "-I",
            "test-" + serial,
            "-n",
            "ops",
            "-z",
            serial,
            "-V",
            "-5m:+1h",
            copy + ".pub")
        .ok();
    return read(Path.of(copy + "-cert.pub"));
  }

  @Test
  void anEmptyListRevokesNothing() {
    byte[] krl = Krl.encode(0, Instant.now(), "", caBlob, List.of());
    assertThat(krlSerials(dir, krl)).isEmpty();
    assertThat(revokedPerOpenSsh(dir, krl, certificate(ca, "42"))).isFalse();
    assertThat(Arrays.copyOf(krl, 8)).isEqualTo("SSHKRL\n\0".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void exactlyTheListedSerialsAreRevoked() {
    String big = Long.toUnsignedString(-2L); // 18446744073709551614: above Long.MAX_VALUE
    byte[] krl =
        Krl.encode(
            7, Instant.now(), "unit test", caBlob, List.of(42L, -2L, 42L, 0L, 123_456_789L, 7L));
    assertThat(revokedPerOpenSsh(dir, krl, certificate(ca, "42"))).isTrue();
    assertThat(revokedPerOpenSsh(dir, krl, certificate(ca, big))).isTrue();
    assertThat(revokedPerOpenSsh(dir, krl, certificate(ca, "7"))).isTrue();
    assertThat(revokedPerOpenSsh(dir, krl, certificate(ca, "43"))).isFalse();
    assertThat(revokedPerOpenSsh(dir, krl, certificate(ca, "18446744073709551615"))).isFalse();
    // serial 0 ("none") is never written: OpenSSH would refuse the whole list
    assertThat(krlSerials(dir, krl)).doesNotContain("0");

    Path file = write(dir.resolve("listed.krl"), krl);
    String listing = run(dir, "ssh-keygen", "-Q", "-l", "-f", file.toString()).ok().output();
    assertThat(listing)
        .contains("# KRL version 7")
        .contains("# Comment: unit test")
        .contains("# CA key ssh-ed25519 " + SshTesting.fingerprint(dir, Path.of(ca + ".pub")));
  }

  @Test
  void anotherCasCertificateWithTheSameSerialIsNotRevoked() {
    Path other = keygen(dir, "other-ca", "ed25519", null);
    byte[] krl = Krl.encode(1, Instant.now(), "", caBlob, List.of(99L));
    assertThat(revokedPerOpenSsh(dir, krl, certificate(ca, "99"))).isTrue();
    assertThat(revokedPerOpenSsh(dir, krl, certificate(other, "99"))).isFalse();
  }

  @Test
  void readsBackLikeAListThatSshKeygenWroteItself() throws Exception {
    Random random = new Random(7);
    List<Long> serials = new ArrayList<>();
    StringBuilder spec = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      long s = random.nextLong();
      if (s == 0) {
        continue;
      }
      serials.add(s);
      spec.append("serial: ").append(Long.toUnsignedString(s)).append('\n');
    }
    Path specFile = write(dir.resolve("spec.txt"), spec.toString());
    Path theirs = dir.resolve("theirs.krl");
    run(dir, "ssh-keygen", "-k", "-f", theirs.toString(), "-s", ca + ".pub", specFile.toString())
        .ok();
    byte[] ours = Krl.encode(1, Instant.now(), "", caBlob, serials);
    assertThat(krlSerials(dir, ours)).isEqualTo(krlSerials(dir, Files.readAllBytes(theirs)));
    assertThat(krlSerials(dir, ours)).hasSize(300);
  }

  @Test
  void theHeaderFollowsTheSpecification() {
    Instant generated = Instant.parse("2026-11-26T10:00:00Z");
    byte[] krl = Krl.encode(0x0102030405060708L, generated, "c", caBlob, List.of(5L));
    ByteBuffer b = ByteBuffer.wrap(krl);
    b.position(8);
    assertThat(b.getInt()).as("format version").isEqualTo(1);
    assertThat(b.getLong()).as("krl_version").isEqualTo(0x0102030405060708L);
    assertThat(b.getLong()).as("generated_date").isEqualTo(generated.getEpochSecond());
    assertThat(b.getLong()).as("flags").isZero();
    assertThat(b.getInt()).as("reserved is empty").isZero();
    assertThat(b.getInt()).isEqualTo(1);
    assertThat(b.get()).isEqualTo((byte) 'c');
    assertThat(b.get()).as("KRL_SECTION_CERTIFICATES").isEqualTo((byte) 1);
    int sectionLength = b.getInt();
    assertThat(sectionLength).isEqualTo(b.remaining());
    assertThat(b.getInt()).isEqualTo(caBlob.length);
    byte[] key = new byte[caBlob.length];
    b.get(key);
    assertThat(key).isEqualTo(caBlob);
    assertThat(b.getInt()).as("reserved").isZero();
    assertThat(b.get()).as("KRL_SECTION_CERT_SERIAL_LIST").isEqualTo((byte) 0x20);
    assertThat(b.getInt()).isEqualTo(8);
    assertThat(b.getLong()).isEqualTo(5L);
    assertThat(b.hasRemaining()).isFalse();
  }
}
