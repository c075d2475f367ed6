package io.portcullis.audit.http;

import io.portcullis.audit.AuditContext;
import io.portcullis.audit.AuditContextSource;
import io.portcullis.audit.AuditHmac;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.platform.http.RequestIds;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The audit context of the HTTP request being served: the caller's subject, display name and
 * authentication strength, the request id, and the source (address as an HMAC, user agent). Behind
 * a reverse proxy, the address is the client's only when {@code quarkus.http.proxy.*} trusts the
 * proxy's forwarding headers.
 */
@ApplicationScoped
public class HttpAuditContext implements AuditContextSource {

  static final int MAX_USER_AGENT = 256;

  private final AuditHmac hmac;

  HttpAuditContext(AuditHmac hmac) {
    this.hmac = hmac;
  }

  @Override
  public Optional<Call> current() {
    if (!Arc.container().requestContext().isActive()) {
      return Optional.empty();
    }
    AuditContext.Person caller = null;
    try (InstanceHandle<SecurityIdentity> identity =
        Arc.container().instance(SecurityIdentity.class)) {
      if (identity.isAvailable() && !identity.get().isAnonymous()) {
        try (InstanceHandle<CurrentCaller> current =
            Arc.container().instance(CurrentCaller.class)) {
          Caller c = current.get().get();
          caller =
              new AuditContext.Person(
                  c.subject(),
                  c.name(),
                  AuditContext.auth(
                      c.authentication().method(),
                      c.authentication().acr(),
                      c.authentication().amr()));
        }
      }
    }
    Map<String, String> source = new LinkedHashMap<>();
    try (InstanceHandle<CurrentVertxRequest> vertx =
        Arc.container().instance(CurrentVertxRequest.class)) {
      RoutingContext rc = vertx.isAvailable() ? vertx.get().getCurrent() : null;
      if (rc != null) {
        HttpServerRequest request = rc.request();
        SocketAddress remote = request.remoteAddress();
        if (remote != null && remote.host() != null) {
          source.put("address", hmac.of(remote.host()));
        }
        String agent = request.getHeader("User-Agent");
        if (agent != null && !agent.isBlank()) {
          String clean = agent.replaceAll("[\\p{Cntrl}]", "?");
          source.put(
              "userAgent",
              clean.length() > MAX_USER_AGENT ? clean.substring(0, MAX_USER_AGENT) : clean);
        }
      }
    }
    return Optional.of(new Call(caller, RequestIds.current(), source));
  }
}
