package io.portcullis.provider.ssh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.jboss.logging.Logger;

/**
 * The certificate authority: an Ed25519 key pair, read from an OpenSSH private key file or
 * generated once into the data directory, that signs user certificates (Apache MINA SSHD's
 * certificate builder). The private key never leaves this object.
 */
final class SshCa {

  private static final Logger LOG = Logger.getLogger(SshCa.class);

  static final String KEY_TYPE = "ssh-ed25519";
  static final String COMMENT = "portcullis-ssh-ca";

  /** The PEM label of an OpenSSH private key file. */
  static final String PEM_LABEL = "OPENSSH PRIVATE KEY";

  private static final Pattern OPENSSH_PEM =
      Pattern.compile(
          "-----BEGIN "
              + PEM_LABEL
              + "-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END "
              + PEM_LABEL
              + "-----");

  private final KeyPair keyPair;
  private final byte[] publicKeyBlob;
  private final String publicKeyLine;
  private final String fingerprint;

  private SshCa(KeyPair keyPair) {
    this.keyPair = keyPair;
    String entry = PublicKeyEntry.toString(keyPair.getPublic());
    this.publicKeyBlob = Base64.getDecoder().decode(entry.split(" ")[1]);
    this.publicKeyLine = KEY_TYPE + " " + entry.split(" ")[1] + " " + COMMENT;
    this.fingerprint = KeyUtils.getFingerPrint(keyPair.getPublic());
  }

  /** A CA configuration that cannot be used; the message names the property to fix. */
  static final class Unusable extends Exception {
    Unusable(String message) {
      super(message, null, false, false);
    }
  }

  /** The public key line for {@code TrustedUserCAKeys}: {@code ssh-ed25519 AAAA… comment}. */
  String publicKeyLine() {
    return publicKeyLine;
  }

  /** The public key in SSH wire form (as a KRL names its CA). */
  byte[] publicKeyBlob() {
    return publicKeyBlob.clone();
  }

  PublicKey publicKey() {
    return keyPair.getPublic();
  }

  /** {@code SHA256:…}, as {@code ssh-keygen -l} prints it. */
  String fingerprint() {
    return fingerprint;
  }

  /** Signs a user certificate. */
  OpenSshCertificate sign(
      PublicKey subject,
      long serial,
      String keyId,
      List<String> principals,
      Instant validAfter,
      Instant validBefore,
      Map<String, String> criticalOptions,
      Map<String, String> extensions)
      throws Exception {
    useOwnBouncyCastle();
    return OpenSshCertificateBuilder.userCertificate()
        .publicKey(subject)
        .serial(serial)
        .id(keyId)
        .principals(principals)
        .validAfter(validAfter)
        .validBefore(validBefore)
        .criticalOptions(criticalOptions)
        .extensions(extensions)
        .sign(keyPair, KEY_TYPE);
  }

  /**
   * Apache MINA SSHD does Ed25519 through the JCA provider registered as "BC" (BouncyCastle). One
   * registered by another class loader of this JVM (an application instance before a dev-mode
   * reload, another test application) hands out key classes that this one cannot use, so it is
   * replaced by ours before MINA SSHD looks it up. A no-op in a plain production run.
   */
  static void useOwnBouncyCastle() {
    synchronized (Security.class) {
      Provider registered = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
      if (registered != null && registered.getClass() == BouncyCastleProvider.class) {
        return;
      }
      if (registered != null) {
        LOG.debugf(
            "Replacing the BouncyCastle JCA provider of another class loader (%s)",
            registered.getClass().getClassLoader());
        Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
      }
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  // ------------------------------------------------------------------ loading

  /**
   * Reads the CA from an OpenSSH private key file.
   *
   * @param property the configuration property that named the file, for messages
   */
  static SshCa load(Path file, String property) throws Unusable {
    useOwnBouncyCastle();
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new Unusable(
          property
              + " names "
              + file
              + ", which does not exist; create an Ed25519 CA key with 'ssh-keygen -t ed25519 -N \"\""
              + " -C "
              + COMMENT
              + " -f "
              + file
              + "'");
    } catch (IOException e) {
      throw new Unusable(
          property
              + " names "
              + file
              + ", which cannot be read ("
              + e.getClass().getSimpleName()
              + ")");
    }
    warnIfOthersCanRead(file, property);
    String text = new String(content, StandardCharsets.UTF_8);
    String cipher = openSshCipher(text);
    if (cipher != null && !cipher.equals("none")) {
      throw new Unusable(
          property
              + " names "
              + file
              + ", an encrypted key (cipher "
              + cipher
              + "); Portcullis needs it unencrypted: protect the file (a secret mounted with mode"
              + " 0400) and remove the passphrase with 'ssh-keygen -p -N \"\" -f <copy>'");
    }
    if (text.contains("ENCRYPTED")) {
      throw new Unusable(
          property + " names " + file + ", an encrypted key; Portcullis needs it unencrypted");
    }
    List<KeyPair> pairs = new ArrayList<>();
    try (InputStream in = new ByteArrayInputStream(content)) {
      Iterable<KeyPair> read =
          SecurityUtils.loadKeyPairIdentities(
              null, NamedResource.ofName(file.toString()), in, FilePasswordProvider.EMPTY);
      if (read != null) {
        read.forEach(pairs::add);
      }
    } catch (Exception e) {
      throw new Unusable(
          property
              + " names "
              + file
              + ", which is not an OpenSSH private key ("
              + e.getClass().getSimpleName()
              + "); give an unencrypted Ed25519 key as 'ssh-keygen -t ed25519' writes it");
    }
    if (pairs.size() != 1) {
      throw new Unusable(
          property
              + " names "
              + file
              + ", which holds "
              + pairs.size()
              + " keys; it must hold exactly one Ed25519 private key");
    }
    KeyPair pair = pairs.get(0);
    String type = KeyUtils.getKeyType(pair.getPublic());
    if (!KEY_TYPE.equals(type)) {
      throw new Unusable(
          property
              + " names "
              + file
              + ", a "
              + type
              + " key; the CA must be an Ed25519 key ('ssh-keygen -t ed25519')");
    }
    return new SshCa(pair);
  }

  /**
   * Reads the CA from {@code dir/ca}, generating it first when it does not exist (the private key
   * with mode 0600, the public key in {@code ca.pub}). Safe against another process generating at
   * the same time: the first one to link its key into place wins, the other reads it.
   */
  static SshCa loadOrGenerate(Path dir, String property) throws Unusable {
    useOwnBouncyCastle();
    Path key = dir.resolve("ca");
    try {
      if (!Files.exists(key)) {
        generate(dir, key);
      }
      SshCa ca = load(key, property);
      writePublicKey(dir.resolve("ca.pub"), ca.publicKeyLine());
      return ca;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new Unusable(
          property
              + " is on, but no Ed25519 key can be generated ("
              + e.getClass().getSimpleName()
              + "); set portcullis.providers.ssh.ca-key-file instead");
    } catch (IOException e) {
      throw new Unusable(
          property
              + " is on, but the CA key cannot be written to "
              + key
              + " ("
              + e.getClass().getSimpleName()
              + "); make portcullis.data-dir writable or set portcullis.providers.ssh.ca-key-file");
    }
  }

  private static void generate(Path dir, Path key) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir, posix("rwx------"));
    KeyPair pair = SecurityUtils.getKeyPairGenerator(SecurityUtils.ED25519).generateKeyPair();
    ByteArrayOutputStream pem = new ByteArrayOutputStream();
    OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, COMMENT, null, pem);
    Path tmp = Files.createTempFile(dir, ".ca-", ".tmp", posix("rw-------"));
    try {
      Files.write(tmp, pem.toByteArray());
      try {
        Files.createLink(key, tmp);
      } catch (FileAlreadyExistsException raced) {
        return; // another process generated it first; use theirs
      } catch (UnsupportedOperationException | IOException noHardLinks) {
        if (Files.exists(key)) {
          return;
        }
        Files.move(tmp, key, StandardCopyOption.ATOMIC_MOVE);
      }
      LOG.infof(
          "Generated the SSH certificate authority %s in %s",
          KeyUtils.getFingerPrint(pair.getPublic()), key);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writePublicKey(Path file, String line) throws IOException {
    String content = line + "\n";
    if (Files.exists(file) && Files.readString(file).equals(content)) {
      return;
    }
    Path tmp = Files.createTempFile(file.getParent(), ".ca-pub-", ".tmp", posix("rw-r--r--"));
    try {
      Files.writeString(tmp, content);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static FileAttribute<?>[] posix(String perms) {
    try {
      if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        return new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))
        };
      }
    } catch (RuntimeException ignored) {
      // not a POSIX file system
    }
    return new FileAttribute<?>[0];
  }

  private static void warnIfOthersCanRead(Path file, String property) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ)) {
        LOG.warnf(
            "The SSH CA private key %s (%s) can be read by other users (%s); restrict it to"
                + " 0600 or 0400",
            file, property, PosixFilePermissions.toString(perms));
      }
    } catch (IOException | UnsupportedOperationException ignored) {
      // nothing to say
    }
  }

  /** The cipher named in an {@code openssh-key-v1} file, or null when it is not one. */
  static String openSshCipher(String text) {
    Matcher m = OPENSSH_PEM.matcher(text);
    if (!m.find()) {
      return null;
    }
    try {
      byte[] raw = Base64.getMimeDecoder().decode(m.group(1));
      ByteBuffer b = ByteBuffer.wrap(raw);
      byte[] magic = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
      for (byte x : magic) {
        if (b.get() != x) {
          return null;
        }
      }
      int len = b.getInt();
      if (len < 0 || len > 64) {
        return null;
      }
      byte[] name = new byte[len];
      b.get(name);
      return new String(name, StandardCharsets.US_ASCII);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
