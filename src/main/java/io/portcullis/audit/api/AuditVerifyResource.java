package io.portcullis.audit.api;

import io.portcullis.audit.AuditChainVerifier;
import io.portcullis.audit.AuditCheckpoints;
import io.portcullis.audit.AuditLog;
import io.portcullis.audit.CheckpointVerifier;
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
  private final AuditCheckpoints checkpoints;

  AuditVerifyResource(
      AuditLog auditLog, AuditCheckpoints checkpoints, CurrentCaller caller, Roles roles) {
    this.auditLog = auditLog;
    this.checkpoints = checkpoints;
    this.caller = caller;
    this.roles = roles;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Verify the audit hash chain",
      description =
          "Recomputes every event's hash from seq 1 to the head, checks every signed checkpoint,"
              + " and reports the first bad seq."
              + " Auditors and admins only.")
  public Verification verify() {
    if (!roles.mayReadAll(caller.get())) {
      throw new Problems.Forbidden("Only auditors and admins may verify the audit ledger.");
    }
    AuditChainVerifier.Result chain = auditLog.verify();
    CheckpointVerifier.Result signed = checkpoints.verify();
    return new Verification(
        chain.intact() && signed.intact(),
        chain.checked(),
        chain.firstBadSeq() != null ? chain.firstBadSeq() : signed.firstBadSeq(),
        chain.problem() != null ? chain.problem() : signed.problem(),
        chain.lastHash(),
        signed);
  }

  /**
   * The verdict on the live ledger.
   *
   * @param intact the chain and every checkpoint check out
   * @param checked events examined
   * @param firstBadSeq the first bad seq (event or checkpoint), or null
   * @param problem what was wrong there, or null
   * @param lastHash hash of the last good event
   * @param checkpoints the signed checkpoints' verdict: how many, the last one's seq
   */
  public record Verification(
      boolean intact,
      long checked,
      Long firstBadSeq,
      String problem,
      String lastHash,
      CheckpointVerifier.Result checkpoints) {}
}
