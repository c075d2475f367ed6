package io.portcullis.web;

import io.portcullis.identity.demo.DemoConfig;
import io.portcullis.identity.demo.DemoSessions;
import io.portcullis.identity.demo.DemoUsers;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/**
 * The demo sign-in form (404 unless demo sign-in is on), and the page after signing out of the
 * identity provider.
 */
@Path("/")
public class LoginResource {

  private final DemoConfig config;
  private final DemoSessions sessions;
  private final CsrfTokens csrf;

  LoginResource(DemoConfig config, DemoSessions sessions, CsrfTokens csrf) {
    this.config = config;
    this.sessions = sessions;
    this.csrf = csrf;
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance login(String next, String error, List<String> users);

    static native TemplateInstance logout();

    static native TemplateInstance signedOut();
  }

  @GET
  @Path("login")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance form(@QueryParam("next") String next) {
    requireDemo();
    return Templates.login(safeNext(next), null, DemoUsers.names());
  }

  @POST
  @Path("login")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Produces(MediaType.TEXT_HTML)
  public Response signIn(
      @FormParam("username") String username,
      @FormParam("password") String password,
      @FormParam("next") String next) {
    requireDemo();
    String target = safeNext(next);
    boolean ok =
        username != null
            && password != null
            && DemoUsers.verify(username.trim(), password.toCharArray()).isPresent();
    if (!ok) {
      return Response.status(Response.Status.UNAUTHORIZED)
          .entity(Templates.login(target, "Unknown user or wrong password.", DemoUsers.names()))
          .build();
    }
    NewCookie cookie =
        new NewCookie.Builder(DemoSessions.COOKIE)
            .value(sessions.issue(username.trim()))
            .path("/")
            .httpOnly(true)
            .sameSite(NewCookie.SameSite.LAX)
            .maxAge((int) config.sessionLength().toSeconds())
            .build();
    return Response.seeOther(URI.create(target)).cookie(cookie).build();
  }

  /**
   * A page with the sign-out button. Signing out changes state, so it is a POST with the CSRF
   * token; a link (or an image on another site) pointing here only shows the button.
   */
  @GET
  @Path("logout")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance signOutPage() {
    requireDemo();
    return Templates.logout();
  }

  @POST
  @Path("logout")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response signOut(RoutingContext rc) {
    requireDemo();
    NewCookie expired =
        new NewCookie.Builder(DemoSessions.COOKIE)
            .value("")
            .path("/")
            .httpOnly(true)
            .sameSite(NewCookie.SameSite.LAX)
            .maxAge(0)
            .build();
    // the next sign-in starts with a new CSRF cookie
    csrf.clearCookie(rc);
    return Response.seeOther(URI.create("/login")).cookie(expired).build();
  }

  /**
   * Where the identity provider sends the browser back after an RP-initiated logout ({@link
   * SignOutResource}). Public, and the same in every profile.
   */
  @GET
  @Path("signed-out")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance signedOut() {
    return Templates.signedOut();
  }

  private void requireDemo() {
    if (!config.enabled()) {
      throw new NotFoundException();
    }
  }

  /** Only same-site absolute paths are followed after sign-in, never another origin. */
  static String safeNext(String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.contains("\\")
        || next.startsWith("/login")
        || next.chars().anyMatch(ch -> ch < 0x20)) {
      return "/";
    }
    return next;
  }
}
