package io.portcullis.web;

import io.portcullis.identity.demo.DemoConfig;
import io.portcullis.identity.demo.DemoSessions;
import io.portcullis.identity.demo.DemoUsers;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
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

/** The demo sign-in form. Answers 404 unless demo sign-in is on. */
@Path("/")
public class LoginResource {

  private final DemoConfig config;
  private final DemoSessions sessions;

  LoginResource(DemoConfig config, DemoSessions sessions) {
    this.config = config;
    this.sessions = sessions;
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance login(String next, String error, List<String> users);
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

  @GET
  @Path("logout")
  public Response signOut() {
    requireDemo();
    NewCookie expired =
        new NewCookie.Builder(DemoSessions.COOKIE)
            .value("")
            .path("/")
            .httpOnly(true)
            .sameSite(NewCookie.SameSite.LAX)
            .maxAge(0)
            .build();
    return Response.seeOther(URI.create("/login")).cookie(expired).build();
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
