package io.portcullis.testing;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * Every {@code @QuarkusTest} runs against a real PostgreSQL and a test OIDC provider (WireMock
 * serving discovery and keys; tokens are signed with its test key by {@link Tokens}).
 */
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
public final class TestResources {
  private TestResources() {}
}
