package io.portcullis.catalog.edit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.TestPolicies;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remediation edits of policy text: what they change, that the result loads, that git applies it.
 */
class PolicyEditsTest {

  static final String POLICY =
      """
      schemaVersion: 1
      # the vendor's people
      principalSets:
        vendor:
          groups:
            - vendor-x
            - vendor-y
          users: [vera, vic]
      environments:
        prod:
          systems:
            db:
              entitlements:
                prod-db:
                  provider: {kind: noop}
                  maxDuration: PT4H
                  eligible: {groups: [eng, sre], users: [alice], sets: [vendor]}
                  approval:
                    stages:
                      - name: owners   # the system owners
                        reviewers: {groups: [owners]}
                prod-logs:
                  provider: {kind: noop}
                  eligible:
                    groups:
                      - eng
                  approval:
                    stages:
                      - name: owners
                        reviewers: {groups: [owners]}
      """;

  @TempDir Path dir;

  PolicySet load(Path d) {
    PolicyLoader.Result r = new PolicyLoader(TestPolicies.CEL).load(d, java.time.Instant.EPOCH);
    assertThat(r.issues()).isEmpty();
    return r.policy();
  }

  @Test
  void removalsReductionsAndStagesLoadAsIntendedAndTheDiffAppliesWithGit() throws Exception {
    Path before = Files.createDirectories(dir.resolve("before"));
    Files.writeString(before.resolve("policy.yaml"), POLICY);
    PolicySet p = load(before);
    Entitlement db = p.entitlement("prod-db").orElseThrow();
    Entitlement logs = p.entitlement("prod-logs").orElseThrow();
    var vendor = p.principalSets().get("vendor");

    PolicyEdits.Result r =
        PolicyEdits.apply(
            before,
            List.of(
                new PolicyEdits.RemovePrincipal(db.eligibleAt(), "group", "sre", "remove sre"),
                new PolicyEdits.RemovePrincipal(db.eligibleAt(), "user", "alice", "remove alice"),
                new PolicyEdits.RemovePrincipal(vendor.location(), "group", "vendor-y", "remove y"),
                new PolicyEdits.RemovePrincipal(vendor.location(), "user", "vic", "remove vic"),
                new PolicyEdits.RemovePrincipal(logs.eligibleAt(), "group", "eng", "remove eng"),
                new PolicyEdits.SetMaxDuration(db.location(), Duration.ofMinutes(30), "shorter"),
                new PolicyEdits.AddStage(
                    db.location(), "access-review", List.of("security"), "add a stage"),
                new PolicyEdits.SetMaxDuration(logs.location(), Duration.ofHours(1), "shorter")));

    assertThat(r.manual()).isEmpty();
    String after = r.after().get("policy.yaml");
    assertThat(after)
        .contains("eligible: {groups: [eng], users: [], sets: [vendor]}")
        .contains("    groups:\n      - vendor-x\n    users: [vera]")
        .contains("# the vendor's people")
        .contains("- name: owners   # the system owners")
        .contains("maxDuration: PT30M")
        .contains("maxDuration: PT1H\n");
    Path edited = Files.createDirectories(dir.resolve("after"));
    Files.writeString(edited.resolve("policy.yaml"), after);
    PolicyLoader.Result loaded =
        new PolicyLoader(TestPolicies.CEL).load(edited, java.time.Instant.EPOCH);
    // prod-logs is left with nobody eligible: the loader refuses that version, naming it
    assertThat(loaded.issues())
        .singleElement()
        .asString()
        .contains("nobody is eligible to request 'prod-logs'");
    Files.writeString(
        edited.resolve("policy.yaml"), after.replaceAll("groups:\n +\\[\\]", "groups: [sre]"));
    PolicySet q = load(edited);
    Entitlement db2 = q.entitlement("prod-db").orElseThrow();
    assertThat(db2.eligible().groups()).containsExactly("eng");
    assertThat(db2.eligible().users()).isEmpty();
    assertThat(db2.maxDuration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(db2.approval().stages()).hasSize(2);
    assertThat(db2.approval().stages().get(1).reviewers().groups()).containsExactly("security");
    assertThat(q.principalSets().get("vendor").members().groups()).containsExactly("vendor-x");
    assertThat(q.principalSets().get("vendor").members().users()).containsExactly("vera");
    assertThat(after).containsPattern("prod-logs:(.|\n)*groups:\n {16}\\[\\]");
    assertThat(q.entitlement("prod-logs").orElseThrow().maxDuration())
        .isEqualTo(Duration.ofHours(1));

    // the diff, applied by git to the original file, gives the edited file
    String diff = r.unifiedDiff(List.of("campaign c-1 item i-1: REMOVE group:sre from prod-db"));
    assertThat(diff).startsWith("# campaign c-1 item i-1").contains("--- a/policy.yaml");
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(repo.resolve("policy.yaml"), POLICY);
    Files.writeString(repo.resolve("fix.patch"), diff);
    Process git =
        new ProcessBuilder("git", "apply", "--whitespace=nowarn", "fix.patch")
            .directory(repo.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(git.getInputStream().readAllBytes());
    assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(git.exitValue()).as(out).isZero();
    assertThat(Files.readString(repo.resolve("policy.yaml"))).isEqualTo(after);
  }

  @Test
  void whatCannotBeDoneAsTextIsListedForAPersonAndNothingElseChanges() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    PolicySet p = load(dir);
    Entitlement db = p.entitlement("prod-db").orElseThrow();
    PolicyEdits.Result r =
        PolicyEdits.apply(
            dir,
            List.of(
                new PolicyEdits.RemovePrincipal(db.eligibleAt(), "group", "gone", "remove gone")));
    assertThat(r.changesSomething()).isFalse();
    assertThat(r.manual()).singleElement().asString().contains("group gone is no longer there");
  }
}
