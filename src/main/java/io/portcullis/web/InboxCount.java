package io.portcullis.web;

import io.portcullis.identity.CurrentCaller;
import io.portcullis.request.RequestListing;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/**
 * The navigation's inbox count, for templates: how many requests the signed-in person may review
 * now ({@code {inject:inbox.count}}, {@code {inject:inbox.label}}). It is the "to review" listing
 * itself ({@link RequestListing#list}, the same rules as the inbox page), read once per page and
 * bounded: at most {@link #CAP} requests are counted, and a person who reviews nothing costs no
 * query at all.
 */
@Named("inbox")
@RequestScoped
public class InboxCount {

  /** Counted up to this many; more shows as "99+". */
  static final int CAP = 100;

  private final RequestListing listing;
  private final CurrentCaller caller;
  private Integer count;

  InboxCount(RequestListing listing, CurrentCaller caller) {
    this.listing = listing;
    this.caller = caller;
  }

  /** How many requests wait for the person's review now, up to {@link #CAP}. */
  public int getCount() {
    if (count == null) {
      count =
          listing.list(caller.get(), RequestListing.View.TO_REVIEW, null, null, CAP).items().size();
    }
    return count;
  }

  /** The count as the navigation shows it: "" for none, "99+" past the cap. */
  public String getLabel() {
    int n = getCount();
    return n == 0 ? "" : n >= CAP ? (CAP - 1) + "+" : Integer.toString(n);
  }
}
