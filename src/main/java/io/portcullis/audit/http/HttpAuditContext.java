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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The audit context of the HTTP request being served: the caller's subject, display name and
 * authentication strength, the request id, and the source (address as an HMAC, user agent). Behind
 * a reverse proxy, the address is the client's only when {@code quarkus.http.proxy.*} trusts the
 * proxy's forwarding headers.
 */
@ApplicationScoped
public class HttpAuditContext implements AuditContextSource {

  static final int MAX_USER_AGENT = 256;

  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  /** Where a request's context is kept once made: one per HTTP request, however many events. */
  private static final String KEY = HttpAuditContext.class.getName();

  private final AuditHmac hmac;

  HttpAuditContext(AuditHmac hmac) {
    this.hmac = hmac;
  }

  @Override
  public Optional<Call> current() {
    if (!Arc.container().requestContext().isActive()) {
      return Optional.empty();
    }
    RoutingContext rc;
    try (InstanceHandle<CurrentVertxRequest> vertx =
        Arc.container().instance(CurrentVertxRequest.class)) {
      rc = vertx.isAvailable() ? vertx.get().getCurrent() : null;
    }
    if (rc != null && rc.get(KEY) instanceof Call made) {
      return Optional.of(made); // the caller and the source do not change within a request
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
    if (rc != null) {
      HttpServerRequest request = rc.request();
      SocketAddress remote = request.remoteAddress();
      if (remote != null && remote.host() != null) {
        source.put("address", hmac.of(remote.host()));
      }
      String agent = request.getHeader("User-Agent");
      if (agent != null && !agent.isBlank()) {
        String clean = CONTROL.matcher(agent).replaceAll("?");
        source.put(
            "userAgent",
            clean.length() > MAX_USER_AGENT ? clean.substring(0, MAX_USER_AGENT) : clean);
      }
    }
    Call call = new Call(caller, RequestIds.current(), Collections.unmodifiableMap(source));
    if (rc != null) {
      rc.put(KEY, call);
    }
    return Optional.of(call);
  }
}
