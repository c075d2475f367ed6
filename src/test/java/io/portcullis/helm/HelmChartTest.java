package io.portcullis.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart (helm/portcullis), linted and rendered by the real Helm library (helm-java) over
 * the values matrix in helm/portcullis/ci/, with assertions on the rendered manifests, and its
 * values.schema.json fed bad values. Plain JUnit: no Quarkus, no cluster.
 */
class HelmChartTest {

  static final Path CHART = Path.of("helm/portcullis");

  /** The values matrix: file in ci/ and the replicas it asks for. */
  static Stream<Arguments> matrix() {
    return Stream.of(
        Arguments.of("minimal-values.yaml", 1),
        Arguments.of("ha-values.yaml", 3),
        Arguments.of("s3-archive-values.yaml", 2),
        Arguments.of("oidc-values.yaml", 2),
        Arguments.of("external-secrets-values.yaml", 2),
        Arguments.of("test-values.yaml", 2));
  }

  /**
   * Values that the Secrets of the matrix would hold in a cluster. They are never given to Helm; a
   * chart that inlined a secret (a default, a generated Secret) would have to make one up, so the
   * scan also rejects any kind: Secret at all.
   */
  static final List<String> CANARIES =
      List.of("canary-db-password", "canary-oidc-client-secret", "canary-sealing-key");

  @TempDir Path tmp;

  @TempDir static Path rendered;

  /**
   * The chart as `helm template` sees it. helm-java 0.0.15 renders with Helm's default capabilities
   * (Kubernetes v1.20) and has no --kube-version, so this copy drops Chart.yaml's kubeVersion
   * (>=1.25); {@link #declaresTheKubernetesVersionItNeeds} checks that line, and lint uses the
   * chart as it is.
   */
  static Path renderable;

  @BeforeAll
  static void copyForTemplate() throws IOException {
    renderable = copyChart(rendered.resolve("portcullis"));
    Path chartYaml = renderable.resolve("Chart.yaml");
    String chart = Files.readString(chartYaml);
    assertThat(chart).contains("kubeVersion: \">=1.25.0-0\"\n");
    Files.writeString(chartYaml, chart.replace("kubeVersion: \">=1.25.0-0\"\n", ""));
  }

  @Test
  void declaresTheKubernetesVersionItNeeds() throws IOException {
    // PodDisruptionBudget policy/v1 and seccompProfile in securityContext need >= 1.25 (PSA)
    assertThat(load(CHART.resolve("Chart.yaml")).get("kubeVersion")).isEqualTo(">=1.25.0-0");
    assertThat(ofKind(render("ha-values.yaml"), "PodDisruptionBudget").get(0).get("apiVersion"))
        .isEqualTo("policy/v1");
  }

  @ParameterizedTest
  @MethodSource("matrix")
  void lintsStrictWithEachValuesFile(String file, int replicas) throws IOException {
    // helm-java 0.0.15 lints without -f: lint a copy of the chart whose values.yaml is the chart's
    // defaults deep-merged with the matrix file, which is what `helm lint -f file` lints.
    Path chart = copyChart(tmp.resolve("chart"));
    Map<String, Object> merged =
        merge(load(CHART.resolve("values.yaml")), load(CHART.resolve("ci").resolve(file)));
    Files.writeString(chart.resolve("values.yaml"), new Yaml().dump(merged));
    LintResult lint = new Helm(chart).lint().strict().call();
    assertThat(lint.isFailed())
        .as("helm lint --strict -f %s: %s", file, lint.getMessages())
        .isFalse();
  }

  @Test
  void lintFailsOnTheBareDefaultsNamingTheRequiredValue() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).isTrue();
    assertThat(String.join("\n", lint.getMessages())).contains("database");
  }

  @ParameterizedTest
  @MethodSource("matrix")
  void rendersHardenedPods(String file, int replicas) {
    List<Map<String, Object>> docs = render(file);
    Map<String, Object> deployment = only(docs, "Deployment");
    assertThat(get(deployment, "spec.replicas")).isEqualTo(replicas);
    Map<String, Object> pod = map(get(deployment, "spec.template.spec"));
    Map<String, Object> podSc = map(pod.get("securityContext"));
    assertThat(podSc.get("runAsNonRoot")).isEqualTo(true);
    assertThat(get(podSc, "seccompProfile.type")).isEqualTo("RuntimeDefault");
    assertThat(pod.get("automountServiceAccountToken")).isEqualTo(false);

    Map<String, Object> container = container(deployment);
    Map<String, Object> sc = map(container.get("securityContext"));
    assertThat(sc.get("runAsNonRoot")).isEqualTo(true);
    assertThat(sc.get("readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(sc.get("allowPrivilegeEscalation")).isEqualTo(false);
    assertThat(list(get(sc, "capabilities.drop"))).containsExactly("ALL");
    assertThat(sc).doesNotContainKey("privileged");
    assertThat(get(sc, "seccompProfile.type")).isEqualTo("RuntimeDefault");

    assertThat(get(container, "readinessProbe.httpGet.path")).isEqualTo("/q/health/ready");
    assertThat(get(container, "livenessProbe.httpGet.path")).isEqualTo("/q/health/live");
    assertThat(get(container, "startupProbe.httpGet.path")).isEqualTo("/q/health/started");
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      assertThat(get(container, probe + ".httpGet.port")).as(probe).isEqualTo("http");
    }
    // the read-only root filesystem needs a writable /tmp
    assertThat(list(container.get("volumeMounts")))
        .anySatisfy(m -> assertThat(map(m).get("mountPath")).isEqualTo("/tmp"));
  }

  @ParameterizedTest
  @MethodSource("matrix")
  void spreadsAndProtectsReplicasWhenThereIsMoreThanOne(String file, int replicas) {
    List<Map<String, Object>> docs = render(file);
    List<Map<String, Object>> pdbs = ofKind(docs, "PodDisruptionBudget");
    Map<String, Object> pod = map(get(only(docs, "Deployment"), "spec.template.spec"));
    Map<String, Object> selector = map(get(only(docs, "Deployment"), "spec.selector.matchLabels"));
    if (replicas > 1) {
      assertThat(pdbs).hasSize(1);
      assertThat(get(pdbs.get(0), "spec.selector.matchLabels")).isEqualTo(selector);
      Map<String, Object> anti = map(get(pod, "affinity.podAntiAffinity"));
      assertThat(anti).as("pod anti-affinity with %d replicas", replicas).isNotEmpty();
      String rendered = new Yaml().dump(anti);
      assertThat(rendered).contains("kubernetes.io/hostname");
      for (Object v : selector.values()) {
        assertThat(rendered).contains(v.toString());
      }
    } else {
      assertThat(pdbs).as("no PDB for a single replica: it would block every drain").isEmpty();
    }
    if (file.equals("ha-values.yaml")) {
      assertThat(get(pdbs.get(0), "spec.minAvailable")).isEqualTo(2);
      assertThat(get(pod, "affinity.podAntiAffinity"))
          .asString()
          .contains("requiredDuringSchedulingIgnoredDuringExecution");
      assertThat(list(pod.get("topologySpreadConstraints"))).hasSize(1);
    }
  }

  @ParameterizedTest
  @MethodSource("matrix")
  void inlinesNoSecret(String file) throws IOException {
    String manifests = renderText(file);
    List<Map<String, Object>> docs = parse(manifests);
    assertThat(ofKind(docs, "Secret")).as("the chart never writes a Secret").isEmpty();
    for (String canary : CANARIES) {
      assertThat(manifests).doesNotContain(canary);
    }
    String values = Files.readString(CHART.resolve("ci").resolve(file));
    Pattern secretish = Pattern.compile(".*(PASSWORD|SECRET|_KEY$|TOKEN|ACCESS_KEY).*");
    List<String> checked = new ArrayList<>();
    for (Object e : list(container(only(docs, "Deployment")).get("env"))) {
      Map<String, Object> env = map(e);
      String name = (String) env.get("name");
      if (!secretish.matcher(name).matches() || name.endsWith("_PUBLIC_KEYS")) {
        continue;
      }
      checked.add(name);
      Object value = env.get("value");
      if (value != null) {
        // only a reference to another variable that itself comes from a Secret
        assertThat(value.toString()).as(name).startsWith("env:NOTIFY_SECRET_");
      } else {
        Map<String, Object> ref = map(get(env, "valueFrom.secretKeyRef"));
        assertThat(ref).as("%s comes from a Secret", name).containsKeys("name", "key");
        assertThat(values)
            .as("%s names a Secret of the values", name)
            .contains(ref.get("name").toString());
      }
    }
    assertThat(checked)
        .contains(
            "PORTCULLIS_DB_PASSWORD",
            "PORTCULLIS_GRANTS_CREDENTIAL_KEY",
            "PORTCULLIS_AUDIT_HMAC_KEY",
            "PORTCULLIS_AUDIT_SIGNING_KEY");
    if (file.equals("external-secrets-values.yaml")) {
      assertThat(checked)
          .contains(
              "PORTCULLIS_OIDC_CLIENT_SECRET",
              "AWS_ACCESS_KEY_ID",
              "AWS_SECRET_ACCESS_KEY",
              "QUARKUS_MAILER_PASSWORD");
    }
    // ConfigMaps carry policies, routing and the dashboard, never a secret reference resolved
    for (Map<String, Object> cm : ofKind(docs, "ConfigMap")) {
      assertThat(new Yaml().dump(cm.get("data"))).doesNotContainIgnoringCase("password=");
    }
  }

  @ParameterizedTest
  @MethodSource("matrix")
  void imageTagDefaultsToTheAppVersion(String file) throws IOException {
    String appVersion = load(CHART.resolve("Chart.yaml")).get("appVersion").toString();
    assertThat(container(only(render(file), "Deployment")).get("image"))
        .isEqualTo("ghcr.io/portcullis/portcullis:" + appVersion);
  }

  @Test
  void imageTagAndDigestOverrideTheAppVersion() throws IOException {
    Path tag = values("image: {tag: \"9.9.9\"}");
    assertThat(
            container(only(parse(template("minimal-values.yaml", tag)), "Deployment")).get("image"))
        .isEqualTo("ghcr.io/portcullis/portcullis:9.9.9");
    String digest = "sha256:" + "a".repeat(64);
    Path pinned = values("image: {digest: \"" + digest + "\"}");
    assertThat(
            container(only(parse(template("minimal-values.yaml", pinned)), "Deployment"))
                .get("image"))
        .asString()
        .endsWith("@" + digest);
  }

  @Test
  void s3ArchiveReachesTheApplication() {
    Map<String, String> env = env(only(render("s3-archive-values.yaml"), "Deployment"));
    assertThat(env)
        .containsEntry("PORTCULLIS_AUDIT_ARCHIVE_S3_BUCKET", "acme-portcullis-audit")
        .containsEntry("PORTCULLIS_AUDIT_ARCHIVE_S3_PREFIX", "prod/audit/")
        .containsEntry("PORTCULLIS_AUDIT_ARCHIVE_S3_MODE", "COMPLIANCE")
        .containsEntry("PORTCULLIS_AUDIT_ARCHIVE_S3_RETENTION", "P2555D")
        .containsEntry("PORTCULLIS_AWS_REGION", "eu-west-1")
        .doesNotContainKey("AWS_ACCESS_KEY_ID");
    assertThat(env(only(render("minimal-values.yaml"), "Deployment")))
        .doesNotContainKeys("PORTCULLIS_AUDIT_ARCHIVE_S3_BUCKET", "PORTCULLIS_AWS_REGION");
  }

  @Test
  void oidcReachesTheApplication() {
    Map<String, String> env = env(only(render("oidc-values.yaml"), "Deployment"));
    assertThat(env)
        .containsEntry(
            "PORTCULLIS_OIDC_ISSUER",
            "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0")
        .containsEntry("PORTCULLIS_OIDC_CLIENT_ID", "11111111-1111-1111-1111-111111111111")
        .containsEntry("PORTCULLIS_OIDC_AUDIENCE", "api://portcullis")
        .containsEntry("QUARKUS_PROFILE", "prod");
    assertThat(ofKind(render("oidc-values.yaml"), "Ingress")).hasSize(1);
  }

  @Test
  void shipsTheDashboardAndTheAlertsTheyAreTestedWith() throws IOException {
    List<Map<String, Object>> ha = render("ha-values.yaml");
    Map<String, Object> rule = only(ha, "PrometheusRule");
    assertThat(rule.get("spec")).isEqualTo(load(CHART.resolve("files/alerts.yaml")));
    assertThat(get(rule, "metadata.labels.release")).isEqualTo("kube-prometheus-stack");
    Map<String, Object> dashboard =
        only(
            ofKind(ha, "ConfigMap").stream()
                .filter(cm -> "1".equals(get(cm, "metadata.labels.grafana_dashboard")))
                .toList());
    String json = (String) map(dashboard.get("data")).get("portcullis.json");
    assertThat(json).isEqualTo(Files.readString(CHART.resolve("files/dashboard.json")).strip());
    // on by default (a plain ConfigMap), the PrometheusRule only when asked (it needs the CRDs)
    List<Map<String, Object>> minimal = render("minimal-values.yaml");
    assertThat(ofKind(minimal, "PrometheusRule")).isEmpty();
    assertThat(ofKind(minimal, "ConfigMap"))
        .anySatisfy(cm -> assertThat(get(cm, "metadata.labels.grafana_dashboard")).isEqualTo("1"));
  }

  /** Bad values and the field that helm's error must name. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "replicaCount: 0|replicaCount",
        "replicaCount: three|replicaCount",
        "replicaCount: 2.5|replicaCount",
        "replicas: 3|replicas",
        "database: {password: canary-db-password}|password",
        "oidc: {clientSecret: canary-oidc-client-secret}|clientSecret",
        "grants: {credentialKey: {value: canary-sealing-key}}|value",
        "oidc: {audience: null}|audience",
        "oidc: {audience: \"\"}|audience",
        "oidc: {issuer: login.example.com}|issuer",
        "database: {url: \"postgres://db/portcullis\"}|url",
        "image: {pullPolicy: Sometimes}|pullPolicy",
        "image: {digest: \"sha256:abc\"}|digest",
        "audit: {archive: {s3: {mode: LOCKED}}}|mode",
        "aws: {region: Europe}|region",
        "prometheusRule: {enabled: \"yes\"}|enabled",
        "grafanaDashboard: {enabled: true, folder: x}|folder",
        "service: {port: \"http\"}|port",
      })
  void schemaRefusesBadValuesNamingTheField(String row) throws IOException {
    String[] parts = row.split("\\|");
    Path bad = values(parts[0]);
    assertThatThrownBy(() -> template("minimal-values.yaml", bad))
        .as("helm template with %s", parts[0])
        .hasMessageContaining(parts[1])
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("canary-"));
  }

  @Test
  void archiveWithoutRegionIsRefusedNamingTheValue() throws IOException {
    Path bad = values("audit: {archive: {s3: {bucket: acme-audit}}}");
    assertThatThrownBy(() -> template("minimal-values.yaml", bad))
        .hasMessageContaining("aws.region");
  }

  @Test
  void audienceEqualToTheClientIdIsRefused() throws IOException {
    Path bad = values("oidc: {clientId: portcullis, audience: portcullis}");
    assertThatThrownBy(() -> template("minimal-values.yaml", bad))
        .hasMessageContaining("oidc.audience must differ from oidc.clientId");
  }

  // --- helpers

  private List<Map<String, Object>> render(String file) {
    return parse(renderText(file));
  }

  private String renderText(String file) {
    return template(file, null);
  }

  private String template(String file, Path extra) {
    var cmd =
        new Helm(renderable)
            .template()
            .withName("portcullis")
            .withNamespace("access")
            .withValuesFile(renderable.resolve("ci").resolve(file));
    if (extra != null) {
      cmd = cmd.withValuesFile(extra);
    }
    return cmd.call();
  }

  private Path values(String yaml) throws IOException {
    Path p = Files.createTempFile(tmp, "values", ".yaml");
    Files.writeString(p, yaml + "\n");
    return p;
  }

  static List<Map<String, Object>> parse(String manifests) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml(new LoaderOptions()).loadAll(manifests)) {
      if (doc != null) {
        docs.add(map(doc));
      }
    }
    assertThat(docs).isNotEmpty();
    return docs;
  }

  static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  static Map<String, Object> only(List<Map<String, Object>> docs, String kind) {
    return only(ofKind(docs, kind));
  }

  static Map<String, Object> only(List<Map<String, Object>> docs) {
    assertThat(docs).hasSize(1);
    return docs.get(0);
  }

  static Map<String, Object> container(Map<String, Object> deployment) {
    return list(get(deployment, "spec.template.spec.containers")).stream()
        .map(HelmChartTest::map)
        .filter(c -> "portcullis".equals(c.get("name")))
        .findFirst()
        .orElseThrow();
  }

  static Map<String, String> env(Map<String, Object> deployment) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Object e : list(container(deployment).get("env"))) {
      Map<String, Object> m = map(e);
      env.put((String) m.get("name"), m.get("value") == null ? null : m.get("value").toString());
    }
    return env;
  }

  static Object get(Map<String, Object> root, String path) {
    Object at = root;
    for (String key : path.split("\\.")) {
      if (!(at instanceof Map<?, ?> m)) {
        return null;
      }
      at = m.get(key);
    }
    return at;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  static Map<String, Object> load(Path p) throws IOException {
    return map(new Yaml().load(Files.readString(p)));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    over.forEach(
        (k, v) ->
            out.merge(
                k,
                v,
                (a, b) ->
                    a instanceof Map && b instanceof Map
                        ? merge((Map<String, Object>) a, (Map<String, Object>) b)
                        : b));
    return out;
  }

  static Path copyChart(Path to) throws IOException {
    Files.walkFileTree(
        CHART,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(CHART.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            try {
              Files.copy(file, to.resolve(CHART.relativize(file).toString()));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return to;
  }
}
