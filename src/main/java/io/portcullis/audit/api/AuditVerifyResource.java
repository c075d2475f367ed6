package io.portcullis.audit.api;

import io.portcullis.audit.AuditChainVerifier;
import io.portcullis.audit.AuditLog;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problems;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Verification of the live ledger, for auditors and admins. */
@Path("/api/v1/audit/verify")
@Tag(name = "audit")
public class AuditVerifyResource {

  private final AuditLog auditLog;
  private final CurrentCaller caller;
  private final Roles roles;

  AuditVerifyResource(AuditLog auditLog, CurrentCaller caller, Roles roles) {
    this.auditLog = auditLog;
    this.caller = caller;
    this.roles = roles;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Verify the audit hash chain",
      description =
          "Recomputes every event's hash from seq 1 to the head and reports the first bad seq."
              + " Auditors and admins only.")
  public AuditChainVerifier.Result verify() {
    if (!roles.mayReadAll(caller.get())) {
      throw new Problems.Forbidden("Only auditors and admins may verify the audit ledger.");
    }
    return auditLog.verify();
  }
}
