package io.portcullis.web;

import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.demo.DemoConfig;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The signed-in start page. */
@Path("/")
public class HomeResource {

  private final CurrentCaller caller;
  private final DemoConfig demo;

  HomeResource(CurrentCaller caller, DemoConfig demo) {
    this.caller = caller;
    this.demo = demo;
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance home(Caller caller, boolean demo);
  }

  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance home() {
    return Templates.home(caller.get(), demo.enabled());
  }
}
