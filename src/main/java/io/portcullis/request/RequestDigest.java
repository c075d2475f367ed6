package io.portcullis.request;

import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.platform.json.CanonicalJson;
import io.portcullis.platform.json.Sha256;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The SHA-256 digest over a request's canonical content; reviews are bound to it. */
final class RequestDigest {

  private RequestDigest() {}

  static String of(
      String requesterKey,
      RequestSpec spec,
      String policyVersion,
      UUID extendsGrant,
      Map<String, String> inputs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requester", requesterKey);
    m.put("entitlements", spec.entitlements());
    m.put("durationSeconds", spec.duration().getSeconds());
    m.put("start", spec.start() == null ? null : spec.start().toString());
    m.put("justification", spec.justification());
    m.put("ticket", spec.ticket());
    m.put("breakGlass", spec.breakGlass());
    m.put("policyVersion", policyVersion);
    m.put("extendsGrant", extendsGrant == null ? null : extendsGrant.toString());
    if (!inputs.isEmpty()) {
      m.put(
          "inputs", inputs); // only when present: digests of requests without inputs are unchanged
    }
    return Sha256.hex(CanonicalJson.write(m));
  }

  /** The digest of a stored request, recomputed from its content. */
  static String of(AccessRequest r) {
    return of(r.requesterKey(), spec(r), r.policyVersion(), r.extendsGrantId(), r.inputs());
  }

  /** What the request asks for, as policy reads it. */
  static RequestSpec spec(AccessRequest r) {
    return new RequestSpec(
        r.entitlements(), r.duration(), r.startAt(), r.justification(), r.ticket(), r.breakGlass());
  }
}
