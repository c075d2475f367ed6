package io.portcullis.audit.api;

import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditExport;
import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditSearch;
import io.portcullis.audit.AuditSigner;
import io.portcullis.audit.LedgerAudit;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The ledger for auditors to take away: the export and the public keys to verify it with. */
@Path("/api/v1/audit")
@Tag(name = "audit")
public class AuditExportResource {

  /** JSON lines. */
  public static final String NDJSON = "application/x-ndjson";

  private final AuditExport export;
  private final AuditSigner signer;
  private final AuditLog auditLog;
  private final CurrentCaller caller;
  private final Roles roles;

  AuditExportResource(
      AuditExport export,
      AuditSigner signer,
      AuditLog auditLog,
      CurrentCaller caller,
      Roles roles) {
    this.export = export;
    this.signer = signer;
    this.auditLog = auditLog;
    this.caller = caller;
    this.roles = roles;
  }

  /** The public keys of the checkpoint signer. */
  public record PublicKeys(List<AuditSigner.PublishedKey> keys) {}

  @GET
  @Path("/public-keys")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Public keys of the checkpoint signer",
      description =
          "The current Ed25519 public key (PEM) first, then those of earlier keys, each with its"
              + " key id. Save one as key.pub for the offline verifier. Auditors and admins only.")
  public PublicKeys publicKeys() {
    mayRead("read the audit signing keys");
    return new PublicKeys(signer.published());
  }

  @GET
  @Path("/export")
  @Produces({NDJSON, MediaType.APPLICATION_JSON})
  @Operation(
      summary = "Export the ledger as JSON lines",
      description =
          "A header line, then every event of the range with the signed checkpoints placed right"
              + " after the events they cover. Range by seq (fromSeq, toSeq) or by time (from"
              + " inclusive, to exclusive, ISO-8601 with offset), not both; open ends run from the"
              + " first event or to the head. A range that ends before a checkpoint is extended to"
              + " it, so that a signature covers every event asked for (anchored=false: exactly"
              + " the range). Streamed. Verify it offline with 'make verify-export'."
              + " Auditors and admins only; the export itself is recorded (audit.exported).")
  public Response export(
      @QueryParam("fromSeq") String fromSeq,
      @QueryParam("toSeq") String toSeq,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("anchored") @DefaultValue("true") boolean anchored) {
    Caller me = mayRead("export the audit ledger");
    List<FieldError> errors = new ArrayList<>();
    Long f = seq(fromSeq, "fromSeq", errors);
    Long t = seq(toSeq, "toSeq", errors);
    Instant a = AuditSearch.time(from, "from", errors);
    Instant b = AuditSearch.time(to, "to", errors);
    if ((f != null || t != null) && (a != null || b != null)) {
      errors.add(
          new FieldError(
              "from", "cannot be combined with fromSeq/toSeq", "give a seq range or a time range"));
    }
    if (f != null && t != null && t < f) {
      errors.add(new FieldError("toSeq", "is before fromSeq", "toSeq must be at least fromSeq"));
    }
    if (a != null && b != null && !b.isAfter(a)) {
      errors.add(new FieldError("to", "is not after from", "to is exclusive; make it later"));
    }
    if (f != null && errors.isEmpty()) {
      export
          .archivedRange(f)
          .ifPresent(why -> errors.add(new FieldError("fromSeq", "is archived", why)));
    }
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList()),
          errors);
    }
    AuditExport.Request req =
        a != null || b != null ? AuditExport.Request.times(a, b) : AuditExport.Request.seqs(f, t);
    if (anchored) {
      req = req.anchoredToCheckpoint();
    }
    AuditExport.Exported range = export.range(req);
    AuditEvent exported =
        LedgerAudit.exported(
            me.subject(),
            range.fromSeq(),
            range.toSeq(),
            a,
            b,
            t != null && range.toSeq() > t ? t : null);
    QuarkusTransaction.requiringNew().run(() -> auditLog.append(exported));
    // the range was fixed above: the export holds exactly what the event says, not the
    // audit.exported event itself (which lies after it)
    AuditExport.Request fixed = AuditExport.Request.seqs(range.fromSeq(), range.toSeq());
    StreamingOutput body = out -> export.write(fixed, out);
    return Response.ok(body, NDJSON)
        .header(
            "Content-Disposition",
            "attachment; filename=\"portcullis-audit-"
                + range.fromSeq()
                + "-"
                + range.toSeq()
                + ".jsonl\"")
        .header("Cache-Control", "no-store")
        .build();
  }

  private Caller mayRead(String what) {
    Caller me = caller.get();
    if (!roles.mayReadAll(me)) {
      throw new Problems.Forbidden("Only auditors and admins may " + what + ".");
    }
    return me;
  }

  private static Long seq(String text, String field, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      long v = Long.parseLong(text.strip());
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(new FieldError(field, "is not a positive integer", "seq numbers start at 1"));
    return null;
  }
}
