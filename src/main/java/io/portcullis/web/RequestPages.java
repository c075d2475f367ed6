package io.portcullis.web;

import io.portcullis.catalog.api.CatalogResource;
import io.portcullis.grant.AccessGrant;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Identities;
import io.portcullis.identity.StepUp;
import io.portcullis.identity.StepUpSignIn;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problem;
import io.portcullis.platform.error.Problems;
import io.portcullis.request.AccessRequest;
import io.portcullis.request.OpenRequestExists;
import io.portcullis.request.RequestCancellation;
import io.portcullis.request.RequestListing;
import io.portcullis.request.RequestOutcomes;
import io.portcullis.request.RequestReview;
import io.portcullis.request.RequestReviews;
import io.portcullis.request.RequestState;
import io.portcullis.request.RequestSubmission;
import io.portcullis.request.RequestVisibility;
import io.portcullis.request.ReviewBriefing;
import io.portcullis.request.Submission;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pages for requesters and approvers: ask for access, follow your requests, review others'. They
 * call the same services as the API, so every rule applies here too.
 */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
public class RequestPages {

  private final RequestSubmission submission;
  private final RequestListing listing;
  private final RequestVisibility visibility;
  private final RequestReviews reviews;
  private final RequestCancellation cancellation;
  private final CatalogResource catalog;
  private final CurrentCaller caller;
  private final FormErrors formErrors;
  private final ReviewBriefing briefing;
  private final StepUpPages stepUps;
  private final SecurityIdentity identity;
  private final RequestOutcomes outcomes;

  RequestPages(
      RequestSubmission submission,
      RequestListing listing,
      RequestVisibility visibility,
      RequestReviews reviews,
      RequestCancellation cancellation,
      CatalogResource catalog,
      CurrentCaller caller,
      FormErrors formErrors,
      ReviewBriefing briefing,
      StepUpPages stepUps,
      SecurityIdentity identity,
      RequestOutcomes outcomes) {
    this.outcomes = outcomes;
    this.submission = submission;
    this.listing = listing;
    this.visibility = visibility;
    this.reviews = reviews;
    this.cancellation = cancellation;
    this.catalog = catalog;
    this.caller = caller;
    this.formErrors = formErrors;
    this.briefing = briefing;
    this.stepUps = stepUps;
    this.identity = identity;
  }

  /**
   * A request with what the current person may do with it.
   *
   * @param escalated whether a stage of it was escalated to its fallback reviewers
   */
  public record Row(
      AccessRequest request,
      List<RequestReview> reviews,
      boolean mine,
      List<String> resolution,
      boolean escalated) {
    public String shortId() {
      return request.id().toString().substring(0, 8);
    }

    public boolean pending() {
      return request.state() == RequestState.PENDING;
    }

    /** The approval plan in words, one line per entitlement. */
    public List<String> planLines() {
      return request.plan().stream()
          .map(
              p -> {
                String head = p.entitlement() + ": ";
                if (p.autoApproved()) {
                  return head + "auto-approved by rule " + p.autoApprovedBy();
                }
                return head
                    + String.join(
                        "; then ",
                        p.stages().stream()
                            .map(
                                st ->
                                    "stage "
                                        + st.name()
                                        + " needs "
                                        + st.approvals()
                                        + " of "
                                        + String.join(", ", st.reviewers()))
                            .toList());
              })
          .toList();
    }
  }

  /** A grant made from the request, as its detail page lists it. */
  public record GrantLine(AccessGrant grant) {
    public String shortId() {
      return grant.id().toString().substring(0, 8);
    }
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance catalog(
        Caller me, CatalogView view, List<FieldError> errors, String problem, UUID openRequest);

    static native TemplateInstance list(Caller me, String title, List<Row> rows, String empty);

    static native TemplateInstance detail(
        Caller me,
        Row row,
        List<GrantLine> grants,
        boolean canCancel,
        boolean canReview,
        String problem,
        List<ApproverLines.StandingLine> standings,
        String risk,
        String riskClass,
        List<ApproverLines.RecentGrant> recentGrants,
        ApproverLines.ReviewForm form,
        String notice,
        RequestOutcomes.Outcome outcome);
  }

  /** The form name of the request form (its field errors, see {@link FormErrors}). */
  static final String FORM = "request";

  @GET
  @Path("catalog")
  public TemplateInstance catalogPage(
      @QueryParam("q") String q,
      @QueryParam("environment") String environment,
      @QueryParam("risk") String risk,
      @QueryParam("label") String label,
      @QueryParam("may") String may,
      @QueryParam("entitlement") List<String> entitlement) {
    CatalogView.Filter filter = CatalogView.Filter.of(q, environment, risk, label, may);
    List<String> picked = entitlement == null ? List.of() : entitlement;
    return Templates.catalog(
        caller.get(), view(filter, picked, Map.of(), Map.of()), List.of(), null, null);
  }

  /**
   * Who would approve, as JSON, for the request form's script (the same answer as {@code GET
   * /api/v1/catalog/approvals}, here under the pages' own sign-in: a browser's session reaches
   * {@code /ui}, not the API, whose OIDC tenant takes bearer tokens only).
   */
  @GET
  @Path("catalog/approvals")
  @Produces(MediaType.APPLICATION_JSON)
  public CatalogResource.ApprovalPreviews approvals(
      @QueryParam("entitlement") List<String> entitlement,
      @QueryParam("duration") String duration) {
    return catalog.approvals(entitlement, duration);
  }

  private CatalogView view(
      CatalogView.Filter filter,
      List<String> picked,
      Map<String, String> typed,
      Map<String, String> errorsByEntitlement) {
    return CatalogView.of(catalog, filter, picked, typed, errorsByEntitlement);
  }

  @POST
  @Path("requests")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response submit(MultivaluedMap<String, String> form) {
    Map<String, String> typed = new TreeMap<>();
    form.forEach(
        (name, values) -> {
          if (!values.isEmpty() && !name.equals(CsrfTokens.FIELD) && !name.equals("entitlement")) {
            typed.put(name, values.get(0));
          }
        });
    List<String> picked = form.get("entitlement") == null ? List.of() : form.get("entitlement");
    if ("preview".equals(form.getFirst("action"))) {
      // "Show who approves" without JavaScript: the same form again, with the preview
      return Response.ok(
              Templates.catalog(
                  caller.get(),
                  view(
                      CatalogView.Filter.of(null, null, null, null, null), picked, typed, Map.of()),
                  List.of(),
                  null,
                  null))
          .build();
    }
    List<String> entitlements = picked;
    try {
      RequestFormFields fields = RequestFormFields.read(form);
      entitlements = fields.entitlements();
      Submission.Submitted s =
          submission.submit(
              caller.get(),
              new Submission(
                  fields.entitlements(),
                  fields.duration(),
                  fields.start(),
                  form.getFirst("justification"),
                  form.getFirst("ticket"),
                  breakGlass(form.getFirst("breakGlass")),
                  null,
                  fields.inputs()));
      // the same ask again: its page says that nothing new was filed
      return Response.seeOther(
              URI.create(
                  "/ui/requests/" + s.request().id() + (s.existing() ? "?existing=true" : "")))
          .build();
    } catch (Problem p) {
      // each field error beside its field; the form keeps what was typed and what was ticked
      formErrors.refused(FORM, p.errors(), typed);
      Map<String, String> byEntitlement = new TreeMap<>();
      for (FieldError e : p.errors()) {
        Matcher m = INDEXED.matcher(e.field() == null ? "" : e.field());
        if (m.matches()) {
          int i = Integer.parseInt(m.group(1));
          if (i < entitlements.size()) {
            byEntitlement.merge(entitlements.get(i), e.message(), (a, b) -> a + "; " + b);
          }
        }
      }
      return Response.status(p.status())
          .entity(
              Templates.catalog(
                  caller.get(),
                  view(
                      CatalogView.Filter.of(null, null, null, null, null),
                      picked,
                      typed,
                      byEntitlement),
                  p.errors(),
                  p.detail(),
                  p instanceof OpenRequestExists o ? o.open().id() : null))
          .build();
    }
  }

  private static final Pattern INDEXED = Pattern.compile("entitlements\\[(\\d+)\\]");

  /**
   * The break-glass checkbox: absent is no, "on" (what browsers send) is yes, anything else 400.
   */
  static boolean breakGlass(String value) {
    if (value == null) {
      return false;
    }
    if (value.equals("on") || value.equalsIgnoreCase("true")) {
      return true;
    }
    throw new Problems.Invalid(
        new FieldError("breakGlass", "must be on (checked) or absent (not checked)", null));
  }

  /** The problem's detail, with the fields it is about. */
  static String message(Problem p) {
    if (p.errors().isEmpty()) {
      return p.detail();
    }
    return String.join(
        "; ", p.errors().stream().map((FieldError e) -> e.field() + " " + e.message()).toList());
  }

  private Row row(RequestListing.Shown s) {
    return new Row(
        s.request(),
        s.reviews(),
        Identities.samePerson(caller.get(), s.request().owner()),
        s.resolution(),
        s.escalated());
  }

  /** Rows of a listing, in one read-only transaction (see {@link RequestListing#listShown}). */
  private List<Row> rows(RequestListing.View view) {
    return listing.listShown(caller.get(), view, null, null, 100).items().stream()
        .map(this::row)
        .toList();
  }

  @GET
  @Path("requests")
  public TemplateInstance mine() {
    List<Row> rows = rows(RequestListing.View.MINE);
    return Templates.list(caller.get(), "My requests", rows, "You have not asked for access yet.");
  }

  @GET
  @Path("reviews")
  public TemplateInstance toReview() {
    List<Row> rows = rows(RequestListing.View.TO_REVIEW);
    return Templates.list(caller.get(), "Waiting for your review", rows, "Nothing waits for you.");
  }

  @GET
  @Path("requests/{id}")
  public TemplateInstance detail(
      @PathParam("id") String id, @QueryParam("existing") boolean existing) {
    return detailPage(
        parse(id),
        null,
        null,
        null,
        existing
            ? "You already asked for exactly this: this is that request; nothing new was filed."
            : null);
  }

  /**
   * The request page.
   *
   * @param problem what went wrong, shown at the top, or null
   * @param comment the comment to show in the review form again, or null
   * @param commentError why the comment was refused, shown beside it, or null
   * @param notice a plain note shown at the top (not an error), or null
   */
  private TemplateInstance detailPage(
      UUID id, String problem, String comment, String commentError, String notice) {
    Caller me = caller.get();
    AccessRequest r = visibility.get(me, id);
    RequestListing.Shown shown = listing.show(r);
    Row row = row(shown);
    boolean pending = r.state() == RequestState.PENDING;
    ReviewBriefing.Briefing brief = briefing.of(r, shown.reviews());
    boolean mayReview = pending && !row.mine() && reviews.mayReviewNow(me, r);
    StepUp stepUp =
        pending && !row.mine() && !mayReview ? reviews.stepUpNeeded(me, r).orElse(null) : null;
    boolean redirects = stepUp != null && StepUpSignIn.browserSession(identity);
    String risk = brief.risk() == null ? null : brief.risk().name().toLowerCase(Locale.ROOT);
    return Templates.detail(
        me,
        row,
        shown.grants().stream().map(GrantLine::new).toList(),
        pending && row.mine(),
        mayReview || redirects,
        problem,
        brief.standings().stream().map(ApproverLines.StandingLine::new).toList(),
        risk,
        risk == null ? "" : "risk-" + risk,
        brief.recentGrants().stream().map(ApproverLines.RecentGrant::new).toList(),
        new ApproverLines.ReviewForm(
            brief.commentRequired(), stepUp, redirects, comment, commentError),
        notice,
        pending ? null : outcomes.of(r, shown.reviews()).orElse(null));
  }

  @POST
  @Path("requests/{id}/review")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response review(
      @PathParam("id") String id,
      @FormParam("decision") String decision,
      @FormParam("comment") String comment,
      @FormParam("digest") String digest) {
    UUID uuid = parse(id);
    String text = comment == null || comment.isBlank() ? null : comment;
    try {
      RequestReview.Decision chosen = decision(decision);
      try {
        reviews.review(
            caller.get(), uuid, chosen, text, digest == null || digest.isBlank() ? null : digest);
      } catch (Problem p) {
        if (p.status() == 403) {
          // a sign-in too weak or too old for this request: in a browser session, sign in again at
          // the identity provider and come back to confirm this same review (ADR 0012)
          Optional<Response> stepUp = stepUps.begin(uuid, chosen, text, digest);
          if (stepUp.isPresent()) {
            return stepUp.get();
          }
        }
        throw p;
      }
      return Response.seeOther(URI.create("/ui/requests/" + uuid)).build();
    } catch (Problem p) {
      if (p.status() == 404) {
        throw p;
      }
      String commentError =
          p.errors().stream()
              .filter(e -> "comment".equals(e.field()))
              .map(FieldError::message)
              .findFirst()
              .orElse(null);
      return Response.status(p.status())
          .entity(detailPage(uuid, message(p), comment, commentError, null))
          .build();
    }
  }

  /** The button pressed: APPROVE or DENY, nothing else, and never a default. */
  static RequestReview.Decision decision(String value) {
    if (value != null) {
      for (RequestReview.Decision d : RequestReview.Decision.values()) {
        if (d.name().equalsIgnoreCase(value.strip())) {
          return d;
        }
      }
    }
    throw new Problems.Invalid(
        new FieldError(
            "decision",
            value == null
                ? "is missing: press Approve or Deny"
                : "must be APPROVE or DENY; nothing was recorded",
            null));
  }

  @POST
  @Path("requests/{id}/cancel")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response cancel(@PathParam("id") String id) {
    UUID uuid = parse(id);
    try {
      cancellation.cancel(caller.get(), uuid);
      return Response.seeOther(URI.create("/ui/requests/" + uuid)).build();
    } catch (Problem p) {
      if (p.status() == 404) {
        throw p;
      }
      return Response.status(p.status())
          .entity(detailPage(uuid, p.detail(), null, null, null))
          .build();
    }
  }

  private static UUID parse(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new Problems.NotFound("Request", id.length() > 40 ? id.substring(0, 40) : id);
    }
  }
}
