package io.portcullis.web.admin;

import static io.portcullis.testing.Http.as;
import static io.portcullis.web.admin.AdminFixtures.events;
import static io.portcullis.web.admin.AdminFixtures.withoutToken;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.web.WebBrowser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * The audit page: search the ledger, verify it, export a range (a form with the CSRF token, so that
 * it works with the browser's session); refused input comes back beside its field. Auditors and
 * admins only.
 */
@QuarkusTest
@TestProfile(AdminPagesTestProfile.class)
class AuditPagesTest {

  static final String PAGE = "/ui/admin/audit";

  @Test
  void anAuditorSearchesVerifiesAndExports() {
    WebBrowser dana = WebBrowser.signIn("dana");
    String all = dana.page(PAGE);
    assertThat(all)
        .contains("<h1>Audit</h1>")
        .contains("Events, newest first")
        .contains("href=\"/ui/admin/audit/verify\"")
        .contains("action=\"/ui/admin/audit/export\"");

    String accepted = dana.page(PAGE + "?type=policy.accepted");
    assertThat(accepted)
        .contains("<code>policy.accepted</code>")
        .contains("<code>system:policy-loader</code>")
        .doesNotContain("<code>system.started</code>")
        .contains("value=\"policy.accepted\"");
    String byPrefix = dana.page(PAGE + "?type=policy.&actor=system:policy-loader");
    assertThat(byPrefix).contains("<code>policy.accepted</code>");

    Response badType = dana.open(PAGE + "?type=Not%20A%20Type&from=yesterday");
    assertThat(badType.statusCode()).isEqualTo(400);
    assertThat(badType.asString())
        .contains("<p class=\"error\" id=\"q-type-error\">is not an event type or prefix")
        .contains("<p class=\"error\" id=\"q-from-error\">is not a date-time with offset")
        .doesNotContain("Events, newest first");

    String verified = dana.page(PAGE + "/verify");
    assertThat(verified)
        .contains("<strong>Intact.</strong>")
        .containsPattern("id=\"verify-checked\">[1-9]");

    int exportsBefore = events("audit.exported", null).size();
    int head = as("dana").get("/api/v1/audit?limit=1").path("items[0].seq");
    int from = Math.max(1, head - 1);
    Response export =
        dana.form()
            .formParam("fromSeq", Integer.toString(from))
            .formParam("toSeq", Integer.toString(head))
            .post(PAGE + "/export");
    assertThat(export.statusCode()).as(export.asString()).isEqualTo(200);
    assertThat(export.contentType()).startsWith("application/x-ndjson");
    assertThat(export.getHeader("Content-Disposition"))
        .contains("portcullis-audit-" + from + "-" + head + ".jsonl");
    assertThat(export.asString().lines().filter(l -> l.contains("\"kind\":\"event\"")).count())
        .isEqualTo(head - from + 1);
    assertThat(events("audit.exported", null)).hasSize(exportsBefore + 1);
    assertThat(events("audit.exported", null).get(0).get("actor")).asString().contains("demo:dana");

    Response backwards =
        dana.form().formParam("fromSeq", "5").formParam("toSeq", "2").post(PAGE + "/export");
    assertThat(backwards.statusCode()).isEqualTo(400);
    assertThat(backwards.contentType()).startsWith("text/html");
    assertThat(backwards.asString())
        .contains("<p class=\"error\" id=\"x-toSeq-error\">is before fromSeq")
        .contains("value=\"5\"");
    Response both =
        dana.form()
            .formParam("fromSeq", "1")
            .formParam("from", "2026-01-01T00:00:00Z")
            .post(PAGE + "/export");
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(both.asString()).contains("id=\"x-from-error\"");

    Response forged = withoutToken(dana, PAGE + "/export", "fromSeq", "1", "toSeq", "2");
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(events("audit.exported", null)).hasSize(exportsBefore + 1);
  }

  @Test
  void adminsReadItAndOthersNot() {
    assertThat(WebBrowser.signIn("admin").page(PAGE + "/verify")).contains("Intact.");
    WebBrowser alice = WebBrowser.signIn("alice");
    assertThat(alice.open(PAGE).statusCode()).isEqualTo(403);
    assertThat(alice.open(PAGE + "/verify").statusCode()).isEqualTo(403);
    assertThat(alice.form().formParam("fromSeq", "1").post(PAGE + "/export").statusCode())
        .isEqualTo(403);
  }
}
