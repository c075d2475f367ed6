package io.portcullis.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code portcullis login} through the OIDC device authorization grant (RFC 8628) against the real
 * Keycloak of the browser tests: the command line (its own process, from the compiled classes,
 * picocli and Jackson) asks the application for the issuer and the public client ({@code GET
 * /api/v1/cli/config}), prints the address and code, and polls; a person opens the address in
 * Chromium, signs in as alice and grants access; the command line then holds a session the API
 * accepts ({@code whoami}), kept owner-only.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class CliDeviceSignInBrowserTest extends BrowserTest {

  static final Pattern ADDRESS = Pattern.compile("^\\s+(http\\S+/device\\S*)$", Pattern.MULTILINE);

  /** The command line's classpath: the compiled classes, picocli and Jackson. */
  static String cliClasspath() {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> keep = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (entry.endsWith("target" + File.separator + "classes")
          || name.startsWith("picocli-")
          || name.startsWith("jackson-core-")
          || name.startsWith("jackson-databind-")
          || name.startsWith("jackson-annotations-")) {
        keep.add(entry);
      }
    }
    return String.join(File.pathSeparator, keep);
  }

  ProcessBuilder cli(Path home, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(cliClasspath());
    cmd.add("io.portcullis.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("PORTCULLIS_") || k.startsWith("XDG_"));
    pb.environment().put("HOME", home.toString());
    pb.environment().put("XDG_CONFIG_HOME", home.resolve(".config").toString());
    pb.environment().put("PORTCULLIS_URL", app("").replaceAll("/$", ""));
    return pb;
  }

  @Test
  void loginSignsInAtKeycloakThroughTheDeviceGrant() throws Exception {
    Path home = Files.createTempDirectory("cli-device");
    Path out = home.resolve("login.out");
    Path err = home.resolve("login.err");
    Process login =
        cli(home, "login").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      String address = awaitAddress(err, login);
      assertThat(address).startsWith(keycloak().issuer() + "/device");

      browser().get(address);
      new WebDriverWait(browser(), Duration.ofSeconds(30))
          .until(b -> !b.findElements(By.id("kc-form-login")).isEmpty());
      browser().findElement(By.id("username")).sendKeys("alice");
      browser().findElement(By.id("password")).sendKeys("alice");
      browser().findElement(By.id("kc-login")).click();
      // Keycloak asks whether to grant the device access (its consent page), then confirms
      new WebDriverWait(browser(), Duration.ofSeconds(30))
          .until(b -> !b.findElements(By.name("accept")).isEmpty() || !login.isAlive());
      List<WebElement> accept = browser().findElements(By.name("accept"));
      if (!accept.isEmpty()) {
        accept.get(0).click();
      }
      assertThat(login.waitFor(60, TimeUnit.SECONDS)).as("login finishes").isTrue();
      assertThat(login.exitValue()).as(Files.readString(err)).isZero();
      assertThat(Files.readString(out)).contains("Signed in to").contains(" as ");
    } finally {
      login.destroyForcibly();
    }

    Path sessions = home.resolve(".config/portcullis/sessions.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sessions)))
        .isEqualTo("rw-------");
    JsonNode session =
        new ObjectMapper().readTree(Files.readString(sessions)).get("servers").elements().next();
    assertThat(session.get("kind").asText()).isEqualTo("oidc");
    assertThat(session.get("refreshToken").asText()).isNotBlank();

    Process whoami = cli(home, "whoami", "-o", "json").redirectErrorStream(true).start();
    String answer = new String(whoami.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(whoami.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(whoami.exitValue()).as(answer).isZero();
    JsonNode me = new ObjectMapper().readTree(answer);
    assertThat(me.get("signIn").asText()).isEqualTo("oidc");
    assertThat(me.get("me").get("subject").asText()).isEqualTo("demo:alice");
    assertThat(me.get("me").get("groups").toString()).contains("engineers");
  }

  static String awaitAddress(Path err, Process login) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String text = "";
    while (System.nanoTime() < deadline) {
      text = Files.exists(err) ? Files.readString(err) : "";
      Matcher m = ADDRESS.matcher(text);
      if (m.find()) {
        return m.group(1);
      }
      if (!login.isAlive()) {
        break;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no sign-in address from portcullis login:\n" + text);
  }
}
