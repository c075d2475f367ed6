package io.portcullis.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SafetyRulesTest {

  private static Map<String, String> safe() {
    Map<String, String> c = new HashMap<>();
    c.put("portcullis.demo.enabled", "false");
    c.put("quarkus.quartz.store-type", "jdbc-cmt");
    c.put("quarkus.quartz.clustered", "true");
    c.put("portcullis.vault.tls.verify", "true");
    c.put("portcullis.grants.credential.key", "cHJvZC1wcm9maWxlLWl0LWtleS0zMi1ieXRlcy0hISE=");
    c.put("portcullis.audit.hmac-key", "cHJvZC1wcm9maWxlLWl0LWF1ZGl0LWhtYWMta2V5ISE=");
    c.put("portcullis.audit.signing-key-file", "/etc/portcullis/audit-signing.pem");
    c.put("quarkus.oidc.client-id", "portcullis");
    c.put("quarkus.oidc.web.client-id", "portcullis");
    c.put("quarkus.oidc.token.audience", "portcullis-api");
    c.put("portcullis.requests.security-contacts", "secops@acme-corp.io, ciso@acme-corp.io");
    return c;
  }

  @Test
  void thePlaceholderSecurityContactIsRefused() {
    for (String placeholder :
        List.of(
            "security@example.com",
            "secops@Example.ORG",
            "soc@mail.example.net",
            "security@corp.invalid",
            "security@acme.test",
            "secops@acme-corp.io, security@example.com")) {
      Map<String, String> c = safe();
      c.put("portcullis.requests.security-contacts", placeholder);
      assertThat(refused(c))
          .as(placeholder)
          .containsExactly("portcullis.requests.security-contacts");
    }
    Map<String, String> unset = safe();
    unset.remove("portcullis.requests.security-contacts");
    assertThat(refused(unset)).containsExactly("portcullis.requests.security-contacts");
  }

  @Test
  void anIdTokenAudienceIsRefusedForTheApi() {
    Map<String, String> same = safe();
    same.put("quarkus.oidc.token.audience", "portcullis");
    assertThat(refused(same)).containsExactly("quarkus.oidc.token.audience");
    Map<String, String> sameAsWeb = safe();
    sameAsWeb.put("quarkus.oidc.web.client-id", "portcullis-web");
    sameAsWeb.put("quarkus.oidc.token.audience", "portcullis-api,portcullis-web");
    assertThat(refused(sameAsWeb)).containsExactly("quarkus.oidc.token.audience");
    Map<String, String> none = safe();
    none.remove("quarkus.oidc.token.audience");
    assertThat(refused(none)).containsExactly("quarkus.oidc.token.audience");
    // with OIDC off (demo), there are no tokens to confuse
    Map<String, String> demo = safe();
    demo.put("quarkus.oidc.tenant-enabled", "false");
    demo.put("portcullis.demo.enabled", "true");
    demo.remove("quarkus.oidc.token.audience");
    assertThat(refused(demo)).containsExactly("portcullis.demo.enabled");
  }

  private static List<String> refused(Map<String, String> c) {
    return SafetyRules.check(k -> Optional.ofNullable(c.get(k))).stream()
        .map(SafetyRules.Violation::property)
        .toList();
  }

  @Test
  void productionLikeSettingsPass() {
    assertThat(refused(safe())).isEmpty();
  }

  @Test
  void eachUnsafeSettingIsNamed() {
    record Case(String property, String value) {}
    for (Case k :
        List.of(
            new Case("portcullis.demo.enabled", "true"),
            new Case("portcullis.demo.enabled", " TRUE "),
            new Case("portcullis.embedded-db.enabled", "true"),
            new Case("quarkus.oidc.tls.verification", "none"),
            new Case("quarkus.oidc.web.tls.verification", "NONE"),
            new Case("quarkus.tls.trust-all", "true"),
            new Case("portcullis.vault.tls.verify", "false"),
            new Case("portcullis.web.csrf.cookie-secure", "false"),
            new Case("quarkus.quartz.store-type", "ram"),
            new Case("quarkus.quartz.clustered", "false"),
            new Case("portcullis.grants.credential.generate-key", "true"),
            new Case("portcullis.providers.ssh.generate-ca", "true"),
            new Case("portcullis.audit.generate-hmac-key", "true"),
            new Case("portcullis.audit.generate-signing-key", "true"),
            new Case("portcullis.grants.fault.point", "after-claim"))) {
      Map<String, String> c = safe();
      c.put(k.property(), k.value());
      assertThat(refused(c)).as(k.toString()).containsExactly(k.property());
    }
  }

  @Test
  void anAuditSigningKeyIsRequired() {
    Map<String, String> c = safe();
    c.remove("portcullis.audit.signing-key-file");
    assertThat(refused(c)).containsExactly("portcullis.audit.signing-key");
    c.put("portcullis.audit.signing-key", "<a PKCS#8 key from the environment>");
    assertThat(refused(c)).isEmpty();
  }

  @Test
  void aCredentialSealingKeyIsRequired() {
    Map<String, String> c = safe();
    c.remove("portcullis.grants.credential.key");
    assertThat(refused(c)).containsExactly("portcullis.grants.credential.key");
    c.put("portcullis.grants.credential.key-file", "/run/secrets/portcullis-credential-key");
    assertThat(refused(c)).isEmpty();
  }

  @Test
  void missingSchedulerSettingsAreUnsafeByDefault() {
    Map<String, String> c = safe();
    c.remove("quarkus.quartz.store-type");
    c.remove("quarkus.quartz.clustered");
    assertThat(refused(c)).containsExactly("quarkus.quartz.store-type", "quarkus.quartz.clustered");
  }

  @Test
  void noWayToSignInIsRefused() {
    Map<String, String> c = safe();
    c.put("quarkus.oidc.tenant-enabled", "false");
    assertThat(refused(c)).containsExactly("quarkus.oidc.tenant-enabled");
  }

  @Test
  void messagesSayHowToFixIt() {
    Map<String, String> c = safe();
    c.put("portcullis.demo.enabled", "true");
    assertThat(SafetyRules.check(k -> Optional.ofNullable(c.get(k))).get(0).toString())
        .startsWith("portcullis.demo.enabled: ")
        .contains("set it to false");
  }
}
