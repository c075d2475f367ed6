package io.portcullis.web.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.web.WebBrowser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The admin overview and the way to it: the navigation offers it to admins and auditors only, the
 * overview links every admin page, and every admin form posts a url-encoded form (ADR 0007).
 */
@QuarkusTest
@TestProfile(AdminPagesTestProfile.class)
class AdminPagesTest {

  static final List<String> SECTIONS =
      List.of(
          "/ui/admin/kill-switch",
          "/ui/admin/irrevocable",
          "/ui/admin/policy",
          "/ui/admin/audit",
          "/ui/admin/break-glass");

  @Test
  void adminsAndAuditorsFindTheAdminPagesAndNobodyElse() {
    for (String who : List.of("admin", "dana")) {
      WebBrowser b = WebBrowser.signIn(who);
      assertThat(b.page("/ui/catalog")).as(who).contains("<a href=\"/ui/admin\">Admin</a>");
      String overview = b.page("/ui/admin");
      assertThat(overview).contains("<h1>Admin</h1>").contains("aria-current=\"page\">Overview<");
      for (String section : SECTIONS) {
        assertThat(overview).as(who).contains("href=\"" + section + "\"");
        assertThat(b.page(section)).as(who + " " + section).contains("<h1>");
      }
      assertThat(overview.contains("You are an auditor")).as(who).isEqualTo(who.equals("dana"));
    }
    WebBrowser alice = WebBrowser.signIn("alice");
    assertThat(alice.page("/ui/catalog")).doesNotContain("href=\"/ui/admin\"");
    assertThat(alice.open("/ui/admin").statusCode()).isEqualTo(403);
    for (String section : SECTIONS) {
      assertThat(alice.open(section).statusCode()).as(section).isEqualTo(403);
    }
  }

  @Test
  void everyAdminPostDeclaresAUrlEncodedForm() {
    List<Method> posts =
        Arrays.stream(
                new Class<?>[] {
                  AdminPages.class,
                  KillSwitchPages.class,
                  IrrevocablePages.class,
                  PolicyPages.class,
                  AuditPages.class,
                  BreakGlassPages.class
                })
            .flatMap(c -> Arrays.stream(c.getDeclaredMethods()))
            .filter(m -> m.isAnnotationPresent(POST.class))
            .toList();
    assertThat(posts).hasSize(7);
    for (Method m : posts) {
      assertThat(m.getAnnotation(Consumes.class).value())
          .as(m.toString())
          .containsExactly(MediaType.APPLICATION_FORM_URLENCODED);
    }
  }
}
