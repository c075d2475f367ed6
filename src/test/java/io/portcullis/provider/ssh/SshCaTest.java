package io.portcullis.provider.ssh;

import static io.portcullis.provider.ssh.SshTesting.keygen;
import static io.portcullis.provider.ssh.SshTesting.read;
import static io.portcullis.provider.ssh.SshTesting.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the CA key comes from: generated once into the data directory, or a given file. */
class SshCaTest {

  @TempDir Path dir;

  private SshCertificateProvider provider(Path dataDir, String caKeyFile, boolean generate) {
    return new SshCertificateProvider(
        SshTesting.config(caKeyFile, generate), dataDir.toString(), Clock.systemUTC(), null);
  }

  @Test
  void generatedOnFirstStartPrivateAndReusedAfterwards() throws Exception {
    Path data = dir.resolve("data");
    SshCertificateProvider first = provider(data, null, true);
    assertThat(first.configured()).isTrue();
    String fingerprint = first.ca().fingerprint();

    Path ca = data.resolve("ssh/ca");
    Path pub = data.resolve("ssh/ca.pub");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("ssh"))))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pub)))
        .isEqualTo("rw-r--r--");
    assertThat(read(ca)).startsWith("-----BEGIN " + SshCa.PEM_LABEL + "-----");
    assertThat(Files.list(data.resolve("ssh")).map(p -> p.getFileName().toString()))
        .as("no temporary files left behind")
        .containsExactlyInAnyOrder("ca", "ca.pub");

    // OpenSSH reads what was written: the private key yields the published public key
    String derived = run(dir, "ssh-keygen", "-y", "-f", ca.toString()).ok().output().strip();
    assertThat(read(pub)).startsWith(derived.split(" ")[0] + " " + derived.split(" ")[1]);
    assertThat(read(pub)).endsWith(" portcullis-ssh-ca").startsWith("ssh-ed25519 AAAA");
    assertThat(SshTesting.fingerprint(dir, pub)).isEqualTo(fingerprint);
    assertThat(first.caPublicKey()).contains(read(pub));

    // a restart reuses the key, untouched; a lost ca.pub is written again
    byte[] before = Files.readAllBytes(ca);
    Files.delete(pub);
    SshCertificateProvider second = provider(data, null, true);
    assertThat(second.ca().fingerprint()).isEqualTo(fingerprint);
    assertThat(Files.readAllBytes(ca)).isEqualTo(before);
    assertThat(SshTesting.fingerprint(dir, pub)).isEqualTo(fingerprint);
  }

  @Test
  void replicasStartingTogetherOnOneDataDirectoryAgreeOnOneCa() throws Exception {
    Path data = dir.resolve("shared");
    int n = 6;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    Set<String> fingerprints = ConcurrentHashMap.newKeySet();
    try {
      List<Future<?>> all =
          java.util.stream.IntStream.range(0, n)
              .mapToObj(
                  i ->
                      pool.submit(
                          () -> {
                            go.await();
                            fingerprints.add(provider(data, null, true).ca().fingerprint());
                            return null;
                          }))
              .collect(java.util.stream.Collectors.toList());
      go.countDown();
      for (Future<?> f : all) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(fingerprints).hasSize(1);
    assertThat(SshTesting.fingerprint(dir, data.resolve("ssh/ca.pub")))
        .isEqualTo(fingerprints.iterator().next());
  }

  @Test
  void aGivenKeyFileWinsAndIsNeverGeneratedOrChanged() throws Exception {
    Path key = keygen(dir, "given-ca", "ed25519", null);
    byte[] content = Files.readAllBytes(key);
    Path data = dir.resolve("data2");
    SshCertificateProvider p = provider(data, key.toString(), true);
    assertThat(p.ca().fingerprint()).isEqualTo(SshTesting.fingerprint(dir, Path.of(key + ".pub")));
    assertThat(Files.exists(data.resolve("ssh/ca"))).isFalse();
    assertThat(Files.readAllBytes(key)).isEqualTo(content);
    assertThat(p.caPublicKey().orElseThrow())
        .startsWith(read(Path.of(key + ".pub")).substring(0, 80));

    // a relative path is resolved against the data directory
    Files.createDirectories(data.resolve("secrets"));
    Files.copy(key, data.resolve("secrets/ca"));
    assertThat(provider(data, "secrets/ca", false).ca().fingerprint())
        .isEqualTo(p.ca().fingerprint());
  }

  @Test
  void unusableKeyFilesAreMisconfigurationsThatNameTheProperty() throws Exception {
    Path missing = dir.resolve("nope");
    assertThat(failure(missing.toString()))
        .contains("portcullis.providers.ssh.ca-key-file names " + missing)
        .contains("does not exist")
        .contains("ssh-keygen -t ed25519");

    run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-f", "enc-ca").ok();
    assertThat(failure(dir.resolve("enc-ca").toString()))
        .contains("encrypted key (cipher aes256-ctr)")
        .contains("unencrypted");

    Path rsa = keygen(dir, "rsa-ca", "rsa", 3072);
    assertThat(failure(rsa.toString())).contains("a ssh-rsa key").contains("must be an Ed25519");

    Path pubOnly = Path.of(keygen(dir, "pub-ca", "ed25519", null) + ".pub");
    assertThat(failure(pubOnly.toString())).contains("ca-key-file");

    // generation that cannot write names the way out
    Path readOnly = dir.resolve("ro");
    Files.createDirectories(readOnly);
    Files.writeString(readOnly.resolve("ssh"), "a file where the directory should be");
    ProviderException e = thrown(provider(readOnly, null, true));
    assertThat(e.getMessage())
        .contains("portcullis.providers.ssh.generate-ca")
        .contains("portcullis.providers.ssh.ca-key-file");
  }

  private String failure(String caKeyFile) {
    SshCertificateProvider p = provider(dir, caKeyFile, false);
    assertThat(p.configured()).isTrue();
    ProviderException e = thrown(p);
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    return e.getMessage();
  }

  private static ProviderException thrown(SshCertificateProvider p) {
    try {
      p.ca();
    } catch (ProviderException e) {
      return e;
    }
    throw new AssertionError("the CA loaded");
  }
}
