package io.portcullis.catalog.decision;

import io.portcullis.catalog.cel.CelValues;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.identity.Caller;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The variables of request-scoped CEL expressions ({@code requester}, {@code request}, {@code
 * entitlement}, {@code now}).
 */
final class Variables {

  private Variables() {}

  /** The variables of request-scoped expressions. */
  static Map<String, Object> of(Entitlement e, Caller requester, RequestSpec req, Instant now) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("requester", CelValues.person(requester));
    vars.put(
        "request",
        CelValues.request(
            req.entitlements(),
            e.id(),
            req.duration() == null ? java.time.Duration.ZERO : req.duration(),
            req.start() == null ? now : req.start(),
            req.justification(),
            req.ticket(),
            req.breakGlass()));
    vars.put("entitlement", CelValues.entitlement(e));
    vars.put("now", now);
    return vars;
  }
}
