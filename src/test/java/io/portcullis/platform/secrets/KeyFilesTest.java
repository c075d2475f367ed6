package io.portcullis.platform.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

  @TempDir Path dir;

  static KeyFiles.KeySource source(String inline, String file, boolean generate) {
    return new KeyFiles.KeySource(
        java.util.Optional.ofNullable(inline),
        java.util.Optional.ofNullable(file),
        generate,
        "portcullis.test.key",
        "test key",
        "No test key: set portcullis.test.key or portcullis.test.key-file");
  }

  @Test
  void aKeyIsInlineOrInAFileGeneratedOnceOrRefusedNamingWhatToSet() throws IOException {
    String inline = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    assertThat(KeyFiles.load(source(inline, "ignored.key", false), dir)).hasSize(32);

    byte[] generated = KeyFiles.load(source(null, "keys/test.key", true), dir);
    assertThat(generated).hasSize(32);
    assertThat(KeyFiles.load(source(null, "keys/test.key", false), dir))
        .as("the second start reads the same key")
        .isEqualTo(generated);

    assertThatThrownBy(() -> KeyFiles.load(source(null, "absent.key", false), dir))
        .hasMessageContaining("portcullis.test.key-file names")
        .hasMessageContaining("head -c 32 /dev/urandom | base64");
    assertThat(dir.resolve("absent.key")).doesNotExist();

    assertThatThrownBy(() -> KeyFiles.load(source(null, null, true), dir))
        .hasMessage("No test key: set portcullis.test.key or portcullis.test.key-file");
    assertThatThrownBy(() -> KeyFiles.load(source("not base64!", null, false), dir))
        .hasMessage("portcullis.test.key is not base64");
    assertThatThrownBy(() -> KeyFiles.load(source("AAAA", null, false), dir))
        .hasMessage("portcullis.test.key must hold at least 32 bytes in base64");
  }

  @Test
  void theKeyFileIsOwnerOnlyFromTheSystemCallThatCreatesIt() throws IOException {
    Recording fs = new Recording(dir.getFileSystem());
    Path file = fs.wrap(dir.resolve("keys/credential.key"));

    KeyFiles.writeOwnerOnly(file, "c2VjcmV0\n");

    Path real = dir.resolve("keys/credential.key");
    assertThat(Files.readString(real)).isEqualTo("c2VjcmV0\n");
    assertThat(Files.getPosixFilePermissions(real))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    // created with the permissions as an attribute of the creating call, never changed afterwards:
    // there is no moment at which the file had the umask's (world-readable) mode
    assertThat(fs.provider.events)
        .anySatisfy(e -> assertThat(e).startsWith("create " + real).endsWith("rw-------"))
        .noneSatisfy(e -> assertThat(e).startsWith("chmod"));
  }

  @Test
  void aFilePlantedInAdvanceIsNeverFilledWithAKey() throws IOException {
    Path planted = dir.resolve("audit-hmac.key");
    Files.writeString(planted, "");
    Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThatThrownBy(() -> KeyFiles.writeOwnerOnly(planted, "c2VjcmV0\n"))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(planted)).isEmpty();
  }

  /**
   * A file system that forwards to the real one and records how files are created and whether their
   * permissions are changed later.
   */
  static final class Recording extends FileSystem {
    final FileSystem real;
    final RecordingProvider provider;

    Recording(FileSystem real) {
      this.real = real;
      this.provider = new RecordingProvider(this, real.provider());
    }

    Path wrap(Path p) {
      return (Path)
          java.lang.reflect.Proxy.newProxyInstance(
              Path.class.getClassLoader(),
              new Class<?>[] {Path.class},
              (proxy, method, args) -> {
                if (method.getName().equals("getFileSystem")) {
                  return this;
                }
                Object[] unwrapped = args == null ? null : args.clone();
                if (unwrapped != null) {
                  for (int i = 0; i < unwrapped.length; i++) {
                    if (unwrapped[i] instanceof Path q) {
                      unwrapped[i] = unwrap(q);
                    }
                  }
                }
                Object result = method.invoke(p, unwrapped);
                return result instanceof Path r && !method.getName().equals("toRealPath")
                    ? wrap(r)
                    : result;
              });
    }

    /** The real path behind a wrapped one (their text is the same). */
    static Path unwrap(Path p) {
      return Path.of(p.toString());
    }

    @Override
    public FileSystemProvider provider() {
      return provider;
    }

    @Override
    public void close() {}

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public boolean isReadOnly() {
      return false;
    }

    @Override
    public String getSeparator() {
      return real.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
      return real.getRootDirectories();
    }

    @Override
    public Iterable<FileStore> getFileStores() {
      return real.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
      return real.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
      return wrap(real.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
      return real.getPathMatcher(syntaxAndPattern);
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
      return real.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() throws IOException {
      return real.newWatchService();
    }
  }

  /** Forwards every call to the real provider, recording creations and permission changes. */
  static final class RecordingProvider extends FileSystemProvider {
    final Recording fs;
    final FileSystemProvider real;
    final List<String> events = new ArrayList<>();

    RecordingProvider(Recording fs, FileSystemProvider real) {
      this.fs = fs;
      this.real = real;
    }

    static Path real(Path p) {
      return Path.of(p.toString());
    }

    @Override
    public String getScheme() {
      return real.getScheme();
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
      return fs;
    }

    @Override
    public Path getPath(URI uri) {
      return fs.wrap(real.getPath(uri));
    }

    @Override
    @SuppressWarnings("unchecked")
    public SeekableByteChannel newByteChannel(
        Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
        throws IOException {
      String perms = "";
      for (FileAttribute<?> a : attrs) {
        if (a.name().equals("posix:permissions")) {
          perms = PosixFilePermissions.toString((Set<PosixFilePermission>) a.value());
        }
      }
      events.add("create " + real(path) + " " + options + " " + perms);
      return real.newByteChannel(real(path), options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(
        Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
      return real.newDirectoryStream(real(dir), filter);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
      real.createDirectory(real(dir), attrs);
    }

    @Override
    public void delete(Path path) throws IOException {
      real.delete(real(path));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
      real.copy(real(source), real(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
      real.move(real(source), real(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
      return real.isSameFile(real(path), real(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
      return real.isHidden(real(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
      return real.getFileStore(real(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
      real.checkAccess(real(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(
        Path path, Class<V> type, LinkOption... options) {
      events.add("chmod-capable view of " + real(path) + " " + type.getSimpleName());
      return real.getFileAttributeView(real(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(
        Path path, Class<A> type, LinkOption... options) throws IOException {
      return real.readAttributes(real(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
        throws IOException {
      return real.readAttributes(real(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
        throws IOException {
      events.add("chmod " + real(path) + " " + attribute);
      real.setAttribute(real(path), attribute, value, options);
    }
  }
}
