package io.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.demo.DemoSessions;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser for page tests: it keeps its cookies (the demo session, the CSRF cookie), follows no
 * redirects, and submits forms with the CSRF token of the last page it opened, as a person would.
 */
public final class WebBrowser {

  /** The CSRF cookie's name outside the demo profile (tests run with the production default). */
  public static final String CSRF_COOKIE = "__Host-portcullis-csrf";

  public static final String CSRF_FIELD = "csrf-token";

  private static final Pattern TOKEN =
      Pattern.compile("name=\"" + CSRF_FIELD + "\" value=\"([^\"]+)\"");

  private final Map<String, String> cookies = new LinkedHashMap<>();
  private String token;

  /** A browser that opened the sign-in page and is not signed in. */
  public static WebBrowser anonymous() {
    WebBrowser b = new WebBrowser();
    b.open("/login").then().statusCode(200);
    assertThat(b.token).as("the sign-in form's CSRF token").isNotNull();
    return b;
  }

  /** A browser signed in as a demo user through the sign-in form, on its start page. */
  public static WebBrowser signIn(String user) {
    WebBrowser b = anonymous();
    Response r = b.form().formParam("username", user).formParam("password", user).post("/login");
    assertThat(r.statusCode()).as("sign-in of " + user + ": " + r.asString()).isEqualTo(303);
    b.keepCookies(r);
    assertThat(b.session()).isNotBlank();
    b.open("/").then().statusCode(200);
    return b;
  }

  /** A request with this browser's cookies, following no redirects. */
  public RequestSpecification get() {
    return given().redirects().follow(false).cookies(cookies);
  }

  /** A url-encoded form with the CSRF token of the last page this browser opened. */
  public RequestSpecification form() {
    assertThat(token).as("a page with a form was opened first").isNotNull();
    return get().contentType("application/x-www-form-urlencoded").formParam(CSRF_FIELD, token);
  }

  /** Opens a page: keeps the cookies it sets and the CSRF token of its forms. */
  public Response open(String path) {
    Response r = get().get(path);
    keepCookies(r);
    Matcher m = TOKEN.matcher(r.asString());
    if (m.find()) {
      token = m.group(1);
    }
    return r;
  }

  /** Opens a page that must answer 200; its HTML. */
  public String page(String path) {
    Response r = open(path);
    assertThat(r.statusCode()).as("GET " + path).isEqualTo(200);
    return r.asString();
  }

  void keepCookies(Response r) {
    r.getDetailedCookies()
        .forEach(
            c -> {
              if (c.hasMaxAge() && c.getMaxAge() <= 0) {
                cookies.remove(c.getName());
              } else {
                cookies.put(c.getName(), c.getValue());
              }
            });
  }

  public String session() {
    return cookies.get(DemoSessions.COOKIE);
  }

  public String csrfCookie() {
    return cookies.get(CSRF_COOKIE);
  }

  public String token() {
    return token;
  }

  public Map<String, String> cookies() {
    return Map.copyOf(cookies);
  }
}
