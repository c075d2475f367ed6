package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.decision.Decision;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.load.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each hostile input is refused with a clear message and without harm. */
class HostilePolicyTest {

  @TempDir Path dir;

  private PolicyLoader.Result loadDir() {
    return new PolicyLoader(TestPolicies.CEL).load(dir, Instant.EPOCH);
  }

  private static String all(PolicyLoader.Result r) {
    return String.join("\n", r.issues().stream().map(PolicyIssue::toString).toList());
  }

  @Test
  void aliasBombIsRefused() throws Exception {
    StringBuilder y =
        new StringBuilder(
            "schemaVersion: 1\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    String prev = "a";
    for (char c = 'b'; c <= 'j'; c++) {
      y.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        y.append(i == 0 ? "" : ",").append('*').append(prev);
      }
      y.append("]\n");
      prev = String.valueOf(c);
    }
    Files.writeString(dir.resolve("bomb.yaml"), y);
    long start = System.nanoTime();
    PolicyLoader.Result r = loadDir();
    assertThat(r.ok()).isFalse();
    assertThat(all(r)).contains("bomb.yaml").containsAnyOf("aliases", "anchors");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void principalSetsThatNameEachOtherAreRefusedWithFileAndLine() throws Exception {
    Files.writeString(
        dir.resolve("sets.yaml"),
        """
        schemaVersion: 1
        principalSets:
          vendor-acme:
            groups: [vendor-acme]
            sets: [acme-subcontractors]
          acme-subcontractors:
            groups: [acme-subco]
            sets: [vendor-acme]
          loner:
            sets: [loner]
        environments:
          dev:
            systems:
              k8s:
                entitlements:
                  dev-k8s-admin:
                    provider: {kind: noop}
                    eligible: {sets: [vendor-acme]}
        """);
    PolicyLoader.Result r = loadDir();
    assertThat(r.ok()).as("a cycle would make membership endless").isFalse();
    assertThat(all(r))
        .contains(
            "sets.yaml:4:5: principal sets name each other in a cycle:"
                + " vendor-acme -> acme-subcontractors -> vendor-acme")
        .contains("sets.yaml:10:5: principal sets name each other in a cycle: loner -> loner");
  }

  @Test
  void aSingleAnchorIsRefusedWithAHint() throws Exception {
    Files.writeString(
        dir.resolve("a.yaml"), "schemaVersion: 1\ndefaults: &d {maxDuration: PT1H}\n");
    assertThat(all(loadDir()))
        .contains("a.yaml:2:11: YAML anchors and aliases (&d) are not supported")
        .contains("defaults");
  }

  @Test
  void aTenMegabyteFileIsRefusedUnread() throws Exception {
    Path big = dir.resolve("big.yaml");
    Files.writeString(big, "schemaVersion: 1\n# " + "x".repeat(10 * 1024 * 1024) + "\n");
    PolicyLoader.Result r = loadDir();
    assertThat(all(r))
        .contains("big.yaml")
        .contains("more than the limit of 1048576")
        .contains("split it");
  }

  @Test
  void deepNestingIsRefused() throws Exception {
    Files.writeString(
        dir.resolve("deep.yaml"),
        "schemaVersion: 1\nx: " + "[".repeat(200) + "]".repeat(200) + "\n");
    PolicyLoader.Result r = loadDir();
    assertThat(r.ok()).isFalse();
    assertThat(all(r)).contains("deep.yaml").containsAnyOf("nested deeper", "nesting", "Nesting");
  }

  @Test
  void nonUtf8BytesAreRefusedWithTheirOffset() throws Exception {
    byte[] text =
        "schemaVersion: 1\n# caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Files.write(dir.resolve("latin1.yaml"), text);
    assertThat(all(loadDir()))
        .contains("latin1.yaml")
        .contains("latin1.yaml:2:6: not valid UTF-8 at byte offset 22");
  }

  @Test
  void symlinksOutOfTheDirectoryAreRefused() throws Exception {
    Path outside = Files.createTempFile("secret", ".yaml");
    outside.toFile().deleteOnExit();
    Files.writeString(outside, "schemaVersion: 1\n");
    Files.createSymbolicLink(dir.resolve("escape.yaml"), outside);
    assertThat(all(loadDir()))
        .contains("escape.yaml")
        .contains("points outside the policy directory");
  }

  @Test
  void symlinksInsideTheDirectoryAsInAConfigMapMountAreFollowed() throws Exception {
    Path data = Files.createDirectories(dir.resolve("..2026_11_24"));
    Files.writeString(
        data.resolve("p.yaml"), PolicyValidationTest.doc(PolicyValidationTest.OK_ENTITLEMENT));
    Files.createSymbolicLink(dir.resolve("..data"), data.getFileName());
    Files.createSymbolicLink(dir.resolve("p.yaml"), Path.of("..data/p.yaml"));
    PolicyLoader.Result r = loadDir();
    assertThat(r.issues()).isEmpty();
    assertThat(r.files()).isEqualTo(1);
  }

  @Test
  void overlongCelExpressionsAreRefusedAtLoad() {
    String expr = "true" + " && true".repeat(400);
    PolicyLoader.Result r =
        TestPolicies.load(
            PolicyValidationTest.doc(
                PolicyValidationTest.OK_ENTITLEMENT
                    + "  constraints: [{when: \""
                    + expr
                    + "\", message: m}]\n"));
    assertThat(all(r)).contains("longer than 2000 characters");
  }

  @Test
  void runawayCelIsStoppedAndTheRequestRefused() {
    String hundred = "[" + "1,".repeat(99) + "1]";
    String runaway =
        hundred + ".all(a, " + hundred + ".all(b, " + hundred + ".all(c, a + b + c > 0)))";
    PolicyLoader.Result r =
        TestPolicies.load(
            PolicyValidationTest.doc(
                PolicyValidationTest.OK_ENTITLEMENT
                    + "  constraints: [{when: \""
                    + runaway
                    + "\", message: never}]\n"));
    assertThat(r.issues()).isEmpty();
    PolicyDecisions decisions = new PolicyDecisions(r.policy());
    long start = System.nanoTime();
    Decision d =
        decisions.mayRequest(
            r.policy().entitlement("e1").orElseThrow(),
            TestPolicies.person("u", "eng"),
            new RequestSpec(List.of("e1"), Duration.ofMinutes(10), null, "", null, false),
            Instant.EPOCH);
    assertThat(d.allowed()).isFalse();
    assertThat(d.reasons()).anySatisfy(s -> assertThat(s).contains("ran too long"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void moreThanOneDocumentPerFileIsRefused() throws Exception {
    Files.writeString(dir.resolve("two.yaml"), "schemaVersion: 1\n---\nschemaVersion: 1\n");
    assertThat(all(loadDir())).contains("two.yaml:3:1: more than one YAML document");
  }
}
