package io.portcullis.web.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.web.WebBrowser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The policy status page: the version in force with its files, the last accepted and rejected
 * versions (the rejected one with its problems), every archived version and a diff between two. The
 * test makes its own versions by rewriting the profile's policy directory (descriptions only, so
 * that the other tests of the profile see the same entitlements).
 */
@QuarkusTest
@TestProfile(AdminPagesTestProfile.class)
class PolicyPagesTest {

  static final String PAGE = "/ui/admin/policy";

  @Inject PolicyStore policies;

  void write(String text) throws Exception {
    Files.writeString(AdminPagesTestProfile.DIR.resolve("admin.yaml"), text);
  }

  String accept(String text) throws Exception {
    write(text);
    PolicyStore.Attempt a = policies.reload();
    assertThat(a.accepted()).as("accepted: %s", a.issues()).isTrue();
    return a.hash();
  }

  @Test
  void theStatusShowsVersionsProblemsFilesAndADiff() throws Exception {
    String original = Files.readString(AdminPagesTestProfile.TEMPLATE);
    String run = UUID.randomUUID().toString().substring(0, 8);
    String before =
        accept(original.replace("Two stages, break-glass for on-call", "before " + run));
    String after = accept(original.replace("Two stages, break-glass for on-call", "after " + run));
    write(original + "\nnot: [valid\n");
    PolicyStore.Attempt rejected = policies.reload();
    assertThat(rejected.accepted()).isFalse();
    try {
      WebBrowser admin = WebBrowser.signIn("admin");
      String status = admin.page(PAGE);
      assertThat(status)
          .contains("<h1>Policy status</h1>")
          .contains("<code>" + after + "</code>")
          .contains(
              "href=\"/ui/admin/policy/versions/" + after + "#file-0\"><code>admin.yaml</code>")
          .contains("<strong class=\"error\">rejected</strong>")
          .contains("<code>" + rejected.hash() + "</code>");
      String lastRejected = status.substring(status.indexOf("id=\"last-rejected\""));
      assertThat(lastRejected)
          .contains("<code>" + rejected.hash().substring(0, 12) + "</code>")
          .contains("<code>" + after.substring(0, 12) + "</code>")
          .contains("<ul class=\"error\"><li>");
      String lastAccepted = status.substring(status.indexOf("id=\"last-accepted\""));
      assertThat(lastAccepted).contains("href=\"/ui/admin/policy/versions/" + after + "\"");
      assertThat(status)
          .contains("<option value=\"" + before + "\" selected>")
          .contains("<option value=\"" + after + "\" selected>");

      assertThat(admin.page(PAGE + "/versions/" + before))
          .contains("<h2><code>admin.yaml</code></h2>")
          .contains("before " + run)
          .doesNotContain("after " + run);

      String diff = admin.page(PAGE + "/diff?from=" + before + "&to=" + after);
      assertThat(diff)
          .contains("1 file(s) differ, 0 unchanged")
          .contains("--- a/admin.yaml")
          .contains("-            description: before " + run)
          .contains("+            description: after " + run);
      assertThat(admin.page(PAGE + "/diff?from=" + after + "&to=" + after))
          .contains("0 file(s) differ, 1 unchanged")
          .contains("The two versions have the same files.");

      assertThat(admin.open(PAGE + "/diff?from=" + before).statusCode()).isEqualTo(400);
      assertThat(admin.open(PAGE + "/diff?from=" + before).asString())
          .contains("Choose two archived versions to compare");
      assertThat(admin.open(PAGE + "/versions/" + "0".repeat(64)).statusCode()).isEqualTo(404);
      assertThat(admin.open(PAGE + "/versions/not-a-hash").statusCode()).isEqualTo(404);
      assertThat(admin.open(PAGE + "/diff?from=" + before + "&to=" + "0".repeat(64)).statusCode())
          .isEqualTo(404);
    } finally {
      accept(original);
    }
  }

  @Test
  void auditorsReadItAndOthersNot() {
    WebBrowser dana = WebBrowser.signIn("dana");
    assertThat(dana.page(PAGE)).contains("In force").contains("Accepted versions");
    WebBrowser alice = WebBrowser.signIn("alice");
    assertThat(alice.open(PAGE).statusCode()).isEqualTo(403);
    assertThat(alice.open(PAGE + "/diff?from=a&to=b").statusCode()).isEqualTo(403);
    assertThat(alice.open(PAGE + "/versions/" + "0".repeat(64)).statusCode()).isEqualTo(403);
  }
}
