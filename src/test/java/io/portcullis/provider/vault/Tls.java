package io.portcullis.provider.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private CA and a server certificate it signed for {@code localhost} / {@code 127.0.0.1}, made
 * with the JDK's {@code keytool}: the server keystore for WireMock's HTTPS port, the CA as a PEM
 * bundle (with an unrelated certificate first, as real bundles have several), and another CA that
 * signed nothing here.
 */
record Tls(Path keystore, Path caBundle, Path otherCa) {

  static final String PASSWORD = "changeit";

  static Tls create(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path ca = dir.resolve("ca.p12");
    Path other = dir.resolve("other.p12");
    Path server = dir.resolve("server.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=Portcullis Test CA",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        ca.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    keytool(
        "-genkeypair",
        "-alias",
        "other",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=Unrelated CA",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        other.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    keytool(
        "-genkeypair",
        "-alias",
        "vault",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=localhost",
        "-validity",
        "2",
        "-keystore",
        server.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    Path csr = dir.resolve("vault.csr");
    keytool(
        "-certreq",
        "-alias",
        "vault",
        "-keystore",
        server.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        csr.toString());
    Path cert = dir.resolve("vault.pem");
    keytool(
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        PASSWORD,
        "-infile",
        csr.toString(),
        "-outfile",
        cert.toString(),
        "-rfc",
        "-validity",
        "2",
        "-ext",
        "san=dns:localhost,ip:127.0.0.1",
        "-ext",
        "ku:c=digitalSignature,keyEncipherment",
        "-ext",
        "eku=serverAuth");
    Path caPem = dir.resolve("ca.pem");
    keytool(
        "-exportcert",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        PASSWORD,
        "-rfc",
        "-file",
        caPem.toString());
    Path otherPem = dir.resolve("other.pem");
    keytool(
        "-exportcert",
        "-alias",
        "other",
        "-keystore",
        other.toString(),
        "-storepass",
        PASSWORD,
        "-rfc",
        "-file",
        otherPem.toString());
    keytool(
        "-importcert",
        "-alias",
        "ca",
        "-file",
        caPem.toString(),
        "-keystore",
        server.toString(),
        "-storepass",
        PASSWORD,
        "-noprompt");
    keytool(
        "-importcert",
        "-alias",
        "vault",
        "-file",
        cert.toString(),
        "-keystore",
        server.toString(),
        "-storepass",
        PASSWORD,
        "-noprompt");
    Path bundle = dir.resolve("bundle.pem");
    Files.writeString(
        bundle,
        Files.readString(otherPem, StandardCharsets.US_ASCII)
            + Files.readString(caPem, StandardCharsets.US_ASCII));
    return new Tls(server, bundle, otherPem);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
