package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.cel.CelEngine;
import io.portcullis.catalog.load.PolicyLoader;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExamplePoliciesTest {

  @Test
  void theShippedPoliciesLoad() {
    PolicyLoader.Result r =
        new PolicyLoader(new CelEngine()).load(Path.of("policies"), Instant.EPOCH);
    assertThat(r.issues())
        .as(String.join("\n", r.issues().stream().map(Object::toString).toList()))
        .isEmpty();
    assertThat(r.policy().entitlements())
        .containsKeys(
            "demo-db-readonly",
            "demo-db-admin",
            "demo-ssh-ops",
            "dev-k8s-admin",
            "staging-payments-db-write",
            "prod-payments-db-admin",
            "prod-payments-read");
    assertThat(r.hash()).hasSize(64);
  }
}
