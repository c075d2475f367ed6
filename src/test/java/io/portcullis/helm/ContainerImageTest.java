package io.portcullis.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The container image (src/main/docker/Dockerfile, built by {@code make image}) and the Helm chart
 * that deploys it agree: the tag is the project version without -SNAPSHOT, which is the chart's
 * appVersion; the image's user is the chart's runAsUser; it listens on the chart's container ports
 * and reads policies where the chart mounts them. Plain file checks; ImageIT ({@code make
 * image-test}) runs the image itself.
 */
class ContainerImageTest {

  private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile");
  private static final Path CHART = Path.of("helm/portcullis");

  @Test
  void theChartsAppVersionIsTheProjectVersionThatMakeImageTags() throws IOException {
    Matcher version =
        Pattern.compile("<artifactId>portcullis</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(version.find()).as("the project version in pom.xml").isTrue();
    Object appVersion = yaml(CHART.resolve("Chart.yaml")).get("appVersion");
    assertThat(appVersion)
        .as("helm/portcullis/Chart.yaml appVersion (make image refuses to build otherwise)")
        .isEqualTo(version.group(1).replaceFirst("-SNAPSHOT$", ""));
  }

  @Test
  void theImagesUserIsTheChartsNonRootUser() throws IOException {
    List<String> users = instructions("USER");
    assertThat(users).as("USER lines").isNotEmpty();
    String finalUser = users.get(users.size() - 1);
    Map<String, Object> values = yaml(CHART.resolve("values.yaml"));
    assertThat(finalUser)
        .isNotIn("0", "root")
        .isEqualTo(String.valueOf(((Map<?, ?>) values.get("podSecurityContext")).get("runAsUser")));
    assertThat(((Map<?, ?>) values.get("securityContext")).get("readOnlyRootFilesystem"))
        .isEqualTo(true);
  }

  @Test
  void theImageListensOnTheChartsPortsAndReadsItsPolicyMount() throws IOException {
    String deployment =
        Files.readString(
            CHART.resolve("templates/deployment.yaml"), java.nio.charset.StandardCharsets.UTF_8);
    List<String> exposed = List.of(String.join(" ", instructions("EXPOSE")).split("\\s+"));
    assertThat(exposed).containsExactlyInAnyOrder("8080", "9000");
    for (String port : exposed) {
      assertThat(deployment).contains("containerPort: " + port);
    }
    Object mountPath =
        ((Map<?, ?>) yaml(CHART.resolve("values.yaml")).get("policies")).get("mountPath");
    assertThat(Files.readString(DOCKERFILE)).contains("PORTCULLIS_POLICY_DIR=" + mountPath + " ");
  }

  /** The arguments of every Dockerfile instruction of that name, continuation lines joined. */
  private static List<String> instructions(String name) throws IOException {
    String joined = Files.readString(DOCKERFILE).replaceAll("\\\\\\n", " ");
    return joined
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .map(l -> l.substring(name.length()).strip())
        .toList();
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    return new Yaml().load(Files.readString(file));
  }
}
