package io.portcullis.web;

import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problem;
import io.portcullis.platform.error.Problems;
import io.portcullis.review.campaign.CampaignClosing;
import io.portcullis.review.campaign.CampaignOpening;
import io.portcullis.review.campaign.CampaignState;
import io.portcullis.review.campaign.Decision;
import io.portcullis.review.campaign.ReviewCampaign;
import io.portcullis.review.campaign.ReviewItem;
import io.portcullis.review.campaign.ReviewQueries;
import io.portcullis.review.campaign.ReviewStore;
import io.portcullis.review.campaign.ReviewWork;
import io.portcullis.review.recommend.Finding;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Pages for access reviews: a reviewer's items with the recommendation and evidence beside the
 * decision buttons; the campaigns (admins and auditors) and a campaign's overview with completion,
 * overdue reviewers and remediation. They call the same use cases as the API.
 */
@Path("/ui/access-reviews")
@Produces(MediaType.TEXT_HTML)
public class ReviewPages {

  private final ReviewQueries queries;
  private final ReviewWork work;
  private final CampaignOpening opening;
  private final CampaignClosing closing;
  private final CurrentCaller caller;
  private final Clock clock;

  ReviewPages(
      ReviewQueries queries,
      ReviewWork work,
      CampaignOpening opening,
      CampaignClosing closing,
      CurrentCaller caller,
      Clock clock) {
    this.queries = queries;
    this.work = work;
    this.opening = opening;
    this.closing = closing;
    this.caller = caller;
    this.clock = clock;
  }

  /** An item as a page shows it. */
  public record ItemRow(ReviewItem item, ReviewCampaign campaign) {
    public String shortId() {
      return item.id().toString().substring(0, 8);
    }

    public List<String> findings() {
      return item.content().findings().stream().map(ReviewPages::finding).toList();
    }

    public List<String> uses() {
      return item.content().uses().stream()
          .map(
              u ->
                  u.subject()
                      + ": "
                      + u.grants()
                      + " grant(s), "
                      + u.elevated()
                      + " elevated, last "
                      + (u.lastElevation() == null ? "never" : u.lastElevation().toString()))
          .toList();
    }

    public String approvers() {
      return item.content().approvers().isEmpty()
          ? "nobody"
          : String.join(
              ", ",
              item.content().approvers().entrySet().stream()
                  .map(e -> e.getKey() + " (" + e.getValue() + ")")
                  .sorted()
                  .toList());
    }

    public boolean removeRecommended() {
      return item.recommendation().name().equals("REMOVE");
    }
  }

  /** A campaign with its items, on the reviewer's page. */
  public record Group(ReviewCampaign campaign, List<ItemRow> rows) {}

  /** A count shown on the overview. */
  public record Count(String label, long value) {}

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance mine(
        Caller me, List<Group> groups, boolean admin, String problem);

    static native TemplateInstance campaigns(
        Caller me,
        List<ReviewCampaign> campaigns,
        List<ReviewQueries.DefinitionInfo> definitions,
        boolean admin,
        String problem);

    static native TemplateInstance campaign(
        Caller me,
        ReviewQueries.Overview overview,
        List<Count> counts,
        List<Count> overdueReviewers,
        List<ItemRow> rows,
        boolean admin,
        boolean signer,
        boolean readAll,
        String problem);
  }

  static String finding(Finding f) {
    return f.rule() + " → " + f.suggests() + ": " + f.summary();
  }

  @GET
  public TemplateInstance mine() {
    return minePage(null);
  }

  private TemplateInstance minePage(String problem) {
    Caller me = caller.get();
    Map<UUID, Group> groups = new LinkedHashMap<>();
    for (ReviewItem i : queries.mine(me, null, null, 0, 200)) {
      Group g =
          groups.computeIfAbsent(
              i.campaignId(), id -> new Group(queries.readable(me, id), new ArrayList<>()));
      g.rows().add(new ItemRow(i, g.campaign()));
    }
    return Templates.mine(me, List.copyOf(groups.values()), queries.isAdmin(me), problem);
  }

  @POST
  @Path("campaigns/{cid}/items/{iid}/decide")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response decide(
      @PathParam("cid") String cid,
      @PathParam("iid") String iid,
      @FormParam("decision") String decision,
      @FormParam("digest") String digest,
      @FormParam("justification") String justification,
      @FormParam("maxDuration") String maxDuration,
      @FormParam("addStage") String addStage,
      @FormParam("removeNow") String removeNow) {
    try {
      work.decide(
          caller.get(),
          parse(cid, "Campaign"),
          parse(iid, "Review item"),
          new ReviewWork.Ask(
              decision(decision),
              digest,
              justification,
              duration(maxDuration),
              "on".equals(addStage) || "true".equals(addStage),
              "on".equals(removeNow) || "true".equals(removeNow)));
      return Response.seeOther(URI.create("/ui/access-reviews")).build();
    } catch (Problem p) {
      if (p.status() == 404) {
        throw p;
      }
      return Response.status(p.status()).entity(minePage(RequestPages.message(p))).build();
    }
  }

  @POST
  @Path("campaigns/{cid}/accept")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response accept(@PathParam("cid") String cid, @FormParam("item") List<String> items) {
    try {
      if (items == null || items.isEmpty()) {
        throw new Problems.Invalid(
            new FieldError("item", "tick the items whose recommendations you accept", null));
      }
      List<ReviewWork.Seen> seen = new ArrayList<>();
      for (String v : items) {
        int colon = v.indexOf(':');
        if (colon < 0) {
          throw new Problems.Invalid(new FieldError("item", "not an item of this page", null));
        }
        seen.add(
            new ReviewWork.Seen(
                parse(v.substring(0, colon), "Review item"), v.substring(colon + 1)));
      }
      work.acceptRecommendations(caller.get(), parse(cid, "Campaign"), seen);
      return Response.seeOther(URI.create("/ui/access-reviews")).build();
    } catch (Problem p) {
      if (p.status() == 404) {
        throw p;
      }
      return Response.status(p.status()).entity(minePage(RequestPages.message(p))).build();
    }
  }

  @GET
  @Path("campaigns")
  public TemplateInstance campaigns() {
    return campaignsPage(null);
  }

  private TemplateInstance campaignsPage(String problem) {
    Caller me = caller.get();
    if (!queries.mayReadAll(me)) {
      throw new Problems.Forbidden("Only admins and auditors see every campaign.");
    }
    return Templates.campaigns(
        me,
        queries.campaigns(me, null, null, null, 100),
        queries.definitions(),
        queries.isAdmin(me),
        problem);
  }

  @POST
  @Path("campaigns")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response open(
      @FormParam("definition") String definition,
      @FormParam("principalSet") String principalSet,
      @FormParam("title") String title) {
    try {
      ReviewCampaign c =
          opening.openOffCycle(
              caller.get(),
              new CampaignOpening.OffCycle(definition, blank(principalSet), blank(title), null));
      return Response.seeOther(URI.create("/ui/access-reviews/campaigns/" + c.id())).build();
    } catch (Problem p) {
      if (p.status() == 404 || p.status() == 403) {
        throw p;
      }
      return Response.status(p.status()).entity(campaignsPage(RequestPages.message(p))).build();
    }
  }

  @GET
  @Path("campaigns/{id}")
  public TemplateInstance campaign(@PathParam("id") String id) {
    return campaignPage(parse(id, "Campaign"), null);
  }

  private TemplateInstance campaignPage(UUID id, String problem) {
    Caller me = caller.get();
    ReviewQueries.Overview o = queries.overview(me, id);
    List<Count> counts = new ArrayList<>();
    o.counts()
        .forEach(
            (k, v) ->
                counts.add(
                    new Count(
                        k.startsWith("OPEN_")
                            ? "open with "
                                + k.substring(5).toLowerCase(Locale.ROOT).replace('_', ' ')
                            : k.toLowerCase(Locale.ROOT).replace('_', ' '),
                        v)));
    List<Count> overdue = new ArrayList<>();
    if (o.overdue() || clock.instant().isAfter(o.campaign().dueAt())) {
      o.openByReviewer().forEach((k, v) -> overdue.add(new Count(k, v)));
    }
    List<ItemRow> rows =
        queries.items(me, id, ReviewStore.ItemFilter.ALL, 0, 200).stream()
            .map(i -> new ItemRow(i, o.campaign()))
            .toList();
    boolean signer = queries.signer(me, o.campaign());
    return Templates.campaign(
        me,
        o,
        counts,
        overdue,
        rows,
        queries.isAdmin(me) && o.campaign().state() == CampaignState.OPEN,
        signer && o.campaign().state() == CampaignState.CLOSED,
        queries.mayReadAll(me) || signer,
        problem);
  }

  @POST
  @Path("campaigns/{id}/close")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response close(@PathParam("id") String id) {
    UUID c = parse(id, "Campaign");
    try {
      closing.closeNow(caller.get(), c);
      return Response.seeOther(URI.create("/ui/access-reviews/campaigns/" + c)).build();
    } catch (Problem p) {
      if (p.status() == 404) {
        throw p;
      }
      return Response.status(p.status()).entity(campaignPage(c, RequestPages.message(p))).build();
    }
  }

  @POST
  @Path("campaigns/{id}/sign-off")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response signOff(@PathParam("id") String id, @FormParam("note") String note) {
    UUID c = parse(id, "Campaign");
    try {
      closing.signOff(caller.get(), c, note);
      return Response.seeOther(URI.create("/ui/access-reviews/campaigns/" + c)).build();
    } catch (Problem p) {
      if (p.status() == 404) {
        throw p;
      }
      return Response.status(p.status()).entity(campaignPage(c, RequestPages.message(p))).build();
    }
  }

  /** The button pressed; never a default. */
  static Decision decision(String value) {
    if (value != null) {
      for (Decision d : Decision.values()) {
        if (d.name().equalsIgnoreCase(value.strip())) {
          return d;
        }
      }
    }
    throw new Problems.Invalid(
        new FieldError(
            "decision",
            value == null
                ? "is missing: press Keep, Remove, Reduce or Don't know"
                : "must be KEEP, REMOVE, REDUCE or DONT_KNOW; nothing was recorded",
            null));
  }

  private static Duration duration(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new Problems.Invalid(
          new FieldError(
              "maxDuration", "must be one of the offered maximums", "pick one from the list"));
    }
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static UUID parse(String id, String what) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new Problems.NotFound(what, id.length() > 40 ? id.substring(0, 40) : id);
    }
  }
}
