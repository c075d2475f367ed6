package io.portcullis.review.api;

import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.paging.Cursor;
import io.portcullis.review.api.ReviewViews.CampaignPage;
import io.portcullis.review.api.ReviewViews.CampaignView;
import io.portcullis.review.api.ReviewViews.ItemPage;
import io.portcullis.review.api.ReviewViews.ItemView;
import io.portcullis.review.campaign.CampaignClosing;
import io.portcullis.review.campaign.CampaignOpening;
import io.portcullis.review.campaign.CampaignState;
import io.portcullis.review.campaign.Decision;
import io.portcullis.review.campaign.ItemState;
import io.portcullis.review.campaign.RemediationPatch;
import io.portcullis.review.campaign.ReviewCampaign;
import io.portcullis.review.campaign.ReviewItem;
import io.portcullis.review.campaign.ReviewQueries;
import io.portcullis.review.campaign.ReviewStore;
import io.portcullis.review.campaign.ReviewWork;
import io.portcullis.review.campaign.Route;
import io.portcullis.review.evidence.EvidencePack;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Access reviews: campaigns (list, open, get, close, sign off, snapshot) and their items (list,
 * get, decide, accept recommendations). Admins open and close campaigns, assigned reviewers decide
 * their items, auditors read everything; someone else's campaign or item answers 404.
 */
@Path("/api/v1/reviews")
@Tag(name = "reviews")
@Produces(MediaType.APPLICATION_JSON)
public class ReviewResource {

  /** Snapshot chunks (about 1 MiB each) read per transaction while downloading. */
  static final int SNAPSHOT_PAGE = 4;

  private final CampaignOpening opening;
  private final CampaignClosing closing;
  private final ReviewWork work;
  private final ReviewQueries queries;
  private final RemediationPatch patches;
  private final CurrentCaller caller;
  private final EvidencePack packs;

  ReviewResource(
      CampaignOpening opening,
      CampaignClosing closing,
      ReviewWork work,
      ReviewQueries queries,
      RemediationPatch patches,
      EvidencePack packs,
      CurrentCaller caller) {
    this.packs = packs;
    this.opening = opening;
    this.closing = closing;
    this.work = work;
    this.queries = queries;
    this.patches = patches;
    this.caller = caller;
  }

  /** The body of opening a campaign off-cycle. */
  public record OpenBody(
      String definition, String principalSet, String title, String periodStart) {}

  /** The body of a decision. */
  public record DecisionBody(
      String decision,
      String digest,
      String justification,
      String maxDuration,
      Boolean addStage,
      Boolean removeNow) {}

  /** One item of a bulk acceptance. */
  public record SeenBody(String id, String digest) {}

  /** The body of accepting recommendations. */
  public record AcceptBody(List<SeenBody> items) {}

  /** The body of a sign-off. */
  public record SignOffBody(String note) {}

  @GET
  @Path("campaigns")
  @Operation(
      summary = "List campaigns (admins and auditors)",
      description = "Newest first; state=OPEN, CLOSED or SIGNED_OFF; pass 'next' back as cursor.")
  public CampaignPage campaigns(
      @QueryParam("state") String state,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    CampaignState s = state == null ? null : parseEnum(CampaignState.class, state, "state");
    checkLimit(limit);
    Cursor after = Cursor.decode(cursor);
    List<ReviewCampaign> page =
        queries.campaigns(
            caller.get(),
            s,
            after == null ? null : after.createdAt(),
            after == null ? null : after.id(),
            limit);
    String next =
        page.size() < limit
            ? null
            : new Cursor(page.get(page.size() - 1).openedAt(), page.get(page.size() - 1).id())
                .encode();
    return new CampaignPage(page.stream().map(c -> CampaignView.of(c, null)).toList(), next);
  }

  @POST
  @Path("campaigns")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Open a campaign now, off-cycle (admins)",
      description =
          "From an accessReviews: definition in the policy in force, optionally narrowed to one"
              + " principal set (e.g. a vendor exit), over the period from periodStart (default:"
              + " the definition's dormantAfter, 90 days) to now. Answers 201 with the campaign,"
              + " its snapshot hash and ledger range; recorded as review.campaign_opened.")
  public Response open(@NotNull OpenBody body) {
    Instant from = null;
    if (body.periodStart() != null) {
      try {
        from = Instant.parse(body.periodStart());
      } catch (DateTimeParseException e) {
        throw new Problems.Invalid(
            new FieldError(
                "periodStart", "must be an ISO-8601 instant", "e.g. 2026-10-01T00:00:00Z"));
      }
    }
    ReviewCampaign c =
        opening.openOffCycle(
            caller.get(),
            new CampaignOpening.OffCycle(
                body.definition(),
                blankToNull(body.principalSet()),
                blankToNull(body.title()),
                from));
    return Response.created(URI.create("/api/v1/reviews/campaigns/" + c.id()))
        .entity(CampaignView.of(c, queries.overview(caller.get(), c.id())))
        .build();
  }

  @GET
  @Path("campaigns/{id}")
  @Operation(summary = "A campaign with its progress, overdue reviewers and remediation status")
  public CampaignView campaign(@PathParam("id") String id) {
    UUID c = parse(id, "Campaign");
    ReviewQueries.Overview o = queries.overview(caller.get(), c);
    return CampaignView.of(o.campaign(), o);
  }

  @POST
  @Path("campaigns/{id}/close")
  @Operation(
      summary = "Close a campaign now (admins)",
      description = "Undecided items take the definition's onNoResponse rule. 409 unless OPEN.")
  public CampaignView close(@PathParam("id") String id) {
    UUID c = parse(id, "Campaign");
    closing.closeNow(caller.get(), c);
    return campaign(id);
  }

  @POST
  @Path("campaigns/{id}/sign-off")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Management sign-off (the definition's signOff: people)",
      description = "Only once the campaign is CLOSED (409 otherwise); recorded in the ledger.")
  public CampaignView signOff(@PathParam("id") String id, SignOffBody body) {
    UUID c = parse(id, "Campaign");
    closing.signOff(caller.get(), c, body == null ? null : body.note());
    return campaign(id);
  }

  @GET
  @Path("campaigns/{id}/snapshot")
  @Produces("application/gzip")
  @Operation(
      summary = "The campaign's snapshot document (admins, auditors, signers)",
      description =
          "Canonical JSON lines, gzip; its SHA-256 (of the uncompressed bytes) is the campaign's"
              + " snapshot.sha256 and is in the review.campaign_opened event.")
  public Response snapshot(@PathParam("id") String id) {
    UUID c = parse(id, "Campaign");
    Caller me = caller.get();
    // the first page here, so that a refusal is a problem answer and not a broken download
    List<byte[]> first = queries.snapshotChunks(me, c, 0, SNAPSHOT_PAGE);
    StreamingOutput body =
        out -> {
          List<byte[]> page = first;
          int next = 0;
          while (true) {
            for (byte[] chunk : page) {
              out.write(chunk);
            }
            next += page.size();
            if (page.size() < SNAPSHOT_PAGE) {
              return;
            }
            page = queries.snapshotChunks(me, c, next, SNAPSHOT_PAGE);
          }
        };
    return Response.ok(body, "application/gzip")
        .header("Content-Disposition", "attachment; filename=\"snapshot-" + c + ".jsonl.gz\"")
        .build();
  }

  @GET
  @Path("campaigns/{id}/evidence-pack")
  @Produces("application/zip")
  @Operation(
      summary = "The campaign's evidence pack (admins, auditors, signers)",
      description =
          "A ZIP: manifest.json with its detached Ed25519 signature manifest.sig, population,"
              + " activity, decisions, remediation and exceptions CSVs citing ledger seqs, the"
              + " policy files and their diff, the ledger extract from seq 1 to a signed"
              + " checkpoint with the public keys, and summary.html/summary.pdf. Verify it"
              + " offline with make verify-pack.")
  public Response evidencePack(@PathParam("id") String id) {
    UUID c = parse(id, "Campaign");
    // checked before the first byte, so that a refusal is a problem answer
    EvidencePack.Prepared prepared = packs.prepare(queries.forEvidence(caller.get(), c));
    StreamingOutput body = out -> packs.write(prepared, out);
    return Response.ok(body, "application/zip")
        .header("Content-Disposition", "attachment; filename=\"evidence-pack-" + c + ".zip\"")
        .build();
  }

  @GET
  @Path("campaigns/{id}/remediation.patch")
  @Produces("text/x-diff")
  @Operation(
      summary = "The policy patch that carries out the campaign's REMOVE and REDUCE decisions",
      description =
          "A unified diff against the policy files in force (apply it in the policy repository"
              + " with git apply), naming the campaign and each item; item=<id> for one item."
              + " Items close as REMEDIATED when a reloaded policy no longer grants them.")
  public Response patch(@PathParam("id") String id, @QueryParam("item") String item) {
    UUID c = parse(id, "Campaign");
    String diff = patches.patch(caller.get(), c, item == null ? null : parse(item, "Review item"));
    return Response.ok(diff, "text/x-diff")
        .header(
            "Content-Disposition",
            "attachment; filename=\"review-" + c + (item == null ? "" : "-" + item) + ".patch\"")
        .build();
  }

  @GET
  @Path("campaigns/{id}/items")
  @Operation(
      summary = "A campaign's items",
      description =
          "Admins, auditors and signers see every item (filters: state, route, entitlement,"
              + " flagged); a reviewer sees the items they may decide now.")
  public ItemPage items(
      @PathParam("id") String id,
      @QueryParam("state") String state,
      @QueryParam("route") String route,
      @QueryParam("entitlement") String entitlement,
      @QueryParam("flagged") Boolean flagged,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    UUID c = parse(id, "Campaign");
    checkLimit(limit);
    ReviewStore.ItemFilter f =
        new ReviewStore.ItemFilter(
            state == null ? null : parseEnum(ItemState.class, state, "state"),
            route == null ? null : parseEnum(Route.class, route, "route"),
            blankToNull(entitlement),
            flagged);
    int after = ordCursor(cursor);
    List<ReviewItem> page = queries.items(caller.get(), c, f, after, limit);
    return new ItemPage(
        page.stream().map(i -> ItemView.of(i, queries.mayDecide(caller.get(), i), null)).toList(),
        page.size() < limit ? null : "o" + page.get(page.size() - 1).ord());
  }

  @GET
  @Path("campaigns/{id}/items/{item}")
  @Operation(summary = "One item with its evidence, recommendation and decisions")
  public ItemView item(@PathParam("id") String id, @PathParam("item") String item) {
    UUID c = parse(id, "Campaign");
    ReviewItem i = queries.item(caller.get(), c, parse(item, "Review item"));
    return ItemView.of(i, queries.mayDecide(caller.get(), i), queries.decisions(i.id()));
  }

  @POST
  @Path("campaigns/{id}/items/{item}/decision")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Decide an item (its assigned, independent reviewers)",
      description =
          "KEEP, REMOVE (removeNow: true also ends the live grants in the item's scope at once),"
              + " REDUCE (maxDuration and/or addStage) or DONT_KNOW (escalates to the"
              + " second stage or the fallback), with the digest of the item as shown (409 if it"
              + " changed). KEEP against a REMOVE recommendation needs a justification (422)."
              + " Deciding in a campaign that is not OPEN is 409.")
  public ItemView decide(
      @PathParam("id") String id, @PathParam("item") String item, @NotNull DecisionBody body) {
    UUID c = parse(id, "Campaign");
    UUID i = parse(item, "Review item");
    Decision d =
        body.decision() == null ? null : parseEnum(Decision.class, body.decision(), "decision");
    Duration max = null;
    if (body.maxDuration() != null && !body.maxDuration().isBlank()) {
      try {
        max = Duration.parse(body.maxDuration());
      } catch (DateTimeParseException e) {
        throw new Problems.Invalid(
            new FieldError("maxDuration", "must be an ISO-8601 duration", "e.g. PT1H"));
      }
    }
    ReviewItem decided =
        work.decide(
            caller.get(),
            c,
            i,
            new ReviewWork.Ask(
                d,
                body.digest(),
                body.justification(),
                max,
                Boolean.TRUE.equals(body.addStage()),
                Boolean.TRUE.equals(body.removeNow())));
    return ItemView.of(decided, queries.mayDecide(caller.get(), decided), queries.decisions(i));
  }

  @POST
  @Path("campaigns/{id}/items/accept-recommendations")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Accept the recommendations of several items at once",
      description =
          "Each item with the digest shown; all or nothing. REMOVE stays REMOVE, REDUCE adds an"
              + " approval stage, KEEP keeps. Recorded as one review.recommendations_accepted"
              + " event and as bulk decisions.")
  public ItemPage accept(@PathParam("id") String id, @NotNull AcceptBody body) {
    UUID c = parse(id, "Campaign");
    if (body.items() == null) {
      throw new Problems.Invalid(
          new FieldError("items", "required: the ids and digests of the items shown", null));
    }
    List<ReviewWork.Seen> seen =
        body.items().stream()
            .map(
                s -> {
                  if (s == null || s.id() == null) {
                    throw new Problems.Invalid(
                        new FieldError("items", "each item needs an id", null));
                  }
                  return new ReviewWork.Seen(parse(s.id(), "Review item"), s.digest());
                })
            .toList();
    List<ReviewItem> done = work.acceptRecommendations(caller.get(), c, seen);
    return new ItemPage(done.stream().map(i -> ItemView.of(i, false, null)).toList(), null);
  }

  @GET
  @Path("items")
  @Operation(
      summary = "Your review items",
      description =
          "The open items you may decide now, across open campaigns (or campaign=<id>), in"
              + " campaign and snapshot order.")
  public ItemPage mine(
      @QueryParam("campaign") String campaign,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    checkLimit(limit);
    UUID c = campaign == null ? null : parse(campaign, "Campaign");
    UUID afterCampaign = null;
    int afterOrd = 0;
    if (cursor != null && !cursor.isBlank()) {
      int colon = cursor.indexOf(':');
      try {
        afterCampaign = UUID.fromString(cursor.substring(0, colon));
        afterOrd = Integer.parseInt(cursor.substring(colon + 1));
      } catch (RuntimeException e) {
        throw new Problems.Invalid(
            new FieldError("cursor", "not a cursor this listing gave", "start without one"));
      }
    }
    List<ReviewItem> page = queries.mine(caller.get(), c, afterCampaign, afterOrd, limit);
    ReviewItem last = page.isEmpty() ? null : page.get(page.size() - 1);
    return new ItemPage(
        page.stream().map(i -> ItemView.of(i, true, null)).toList(),
        page.size() < limit ? null : last.campaignId() + ":" + last.ord());
  }

  private static int ordCursor(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return 0;
    }
    try {
      if (!cursor.startsWith("o")) {
        throw new NumberFormatException();
      }
      return Integer.parseInt(cursor.substring(1));
    } catch (NumberFormatException e) {
      throw new Problems.Invalid(
          new FieldError("cursor", "not a cursor this listing gave", "start without one"));
    }
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > 200) {
      throw new Problems.Invalid(new FieldError("limit", "must be between 1 and 200", null));
    }
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String text, String field) {
    try {
      return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Problems.Invalid(
          new FieldError(
              field, "must be one of " + java.util.Arrays.toString(type.getEnumConstants()), null));
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  static UUID parse(String id, String what) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new Problems.NotFound(what, id.length() > 40 ? id.substring(0, 40) : id);
    }
  }
}
