package io.portcullis.review.campaign;

import io.portcullis.catalog.edit.PolicyEdits;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.SourceLocation;
import io.portcullis.catalog.store.PolicyConfig;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.identity.Caller;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The patch that carries out a campaign's removals and reductions in the policy files: a unified
 * diff against the policy directory in force, one change per pending item, each named in the header
 * with its campaign, item and decision. Policy in git stays the source of truth: the patch is
 * applied there, and hot reload then verifies the items.
 */
@ApplicationScoped
public class RemediationPatch {

  /** The name of the approval stage a REDUCE adds. */
  static final String STAGE = "access-review";

  private final ReviewStore store;
  private final ReviewQueries queries;
  private final PolicyStore policies;
  private final PolicyConfig config;

  RemediationPatch(
      ReviewStore store, ReviewQueries queries, PolicyStore policies, PolicyConfig config) {
    this.store = store;
    this.queries = queries;
    this.policies = policies;
    this.config = config;
  }

  /** The patch for every item of the campaign waiting for remediation (or only {@code item}). */
  @Transactional
  public String patch(Caller c, UUID campaignId, UUID item) {
    ReviewCampaign campaign = queries.readable(c, campaignId);
    List<ReviewItem> pending = new ArrayList<>();
    if (item != null) {
      ReviewItem i = queries.item(c, campaignId, item);
      if (i.state() != ItemState.REMEDIATION_PENDING) {
        throw new Problems.Conflict(
            "Item "
                + item
                + " is "
                + i.state()
                + ": only REMOVE or REDUCE decisions need a patch.");
      }
      pending.add(i);
    } else {
      int after = 0;
      while (true) {
        List<ReviewItem> page =
            store.items(
                campaignId,
                new ReviewStore.ItemFilter(ItemState.REMEDIATION_PENDING, null, null, null),
                after,
                200);
        pending.addAll(page);
        if (page.size() < 200) {
          break;
        }
        after = page.get(page.size() - 1).ord();
      }
    }
    PolicySet policy = policies.decisions().policy();
    List<String> header = new ArrayList<>();
    header.add(
        "Portcullis access review '"
            + campaign.title()
            + "' (campaign "
            + campaign.id()
            + ", definition "
            + campaign.definition()
            + ")");
    header.add("against policy version " + policy.hash());
    header.add(
        "paths are relative to the policy directory ("
            + config.dir()
            + "); from the repository that holds it, apply with: git apply --directory="
            + config.dir()
            + " <this file>");
    List<PolicyEdits.Edit> edits = new ArrayList<>();
    for (ReviewItem i : pending) {
      String what =
          "item "
              + i.id()
              + ": "
              + i.decision()
              + " "
              + i.entry()
              + " of "
              + i.entitlement()
              + " (decided by "
              + i.decidedBy()
              + " at "
              + i.decidedAt()
              + ")";
      header.add(what);
      edits.addAll(edits(policy, i, what, header));
    }
    if (pending.isEmpty()) {
      header.add("no item waits for remediation");
    }
    return PolicyEdits.apply(Path.of(config.dir()), edits).unifiedDiff(header);
  }

  private static List<PolicyEdits.Edit> edits(
      PolicySet policy, ReviewItem i, String what, List<String> header) {
    Optional<Entitlement> e = policy.entitlement(i.entitlement());
    if (e.isEmpty()) {
      header.add("  " + i.entitlement() + " is no longer in the policy: nothing to change");
      return List.of();
    }
    List<PolicyEdits.Edit> out = new ArrayList<>();
    if (i.decision() == Decision.REMOVE) {
      SourceLocation at = location(i.at());
      if (at == null) {
        header.add("  by hand: remove " + i.entry() + " written at " + i.at());
        return out;
      }
      if (i.entry().startsWith("set:")) {
        header.add(
            "  the entry is in principal set "
                + i.entry().substring(4, i.entry().indexOf('/'))
                + ": removing it there affects every entitlement that names the set");
      }
      if (e.get().eligible().users().size()
                  + e.get().eligible().groups().size()
                  + e.get().eligible().sets().size()
              == 1
          && !i.entry().startsWith("set:")) {
        header.add(
            "  it is the last eligible: entry of "
                + i.entitlement()
                + "; the loader refuses an entitlement nobody may request, so delete the"
                + " entitlement instead");
      }
      out.add(new PolicyEdits.RemovePrincipal(at, i.kind(), i.name(), what));
    } else if (i.decision() == Decision.REDUCE) {
      Reduction r = i.reduction();
      if (r.maxDuration() != null) {
        out.add(new PolicyEdits.SetMaxDuration(e.get().location(), r.maxDuration(), what));
      }
      if (r.addStage()) {
        List<String> groups =
            i.content().fallback() == null ? List.of() : i.content().fallback().groups();
        if (groups.isEmpty()) {
          header.add("  by hand: add an approval stage to " + i.entitlement());
        } else {
          out.add(new PolicyEdits.AddStage(e.get().location(), STAGE, groups, what));
        }
      }
    }
    return out;
  }

  /** {@code file:line:column} back to a location; null when it is not one. */
  static SourceLocation location(String at) {
    int c2 = at.lastIndexOf(':');
    int c1 = c2 <= 0 ? -1 : at.lastIndexOf(':', c2 - 1);
    if (c1 <= 0) {
      return null;
    }
    try {
      return new SourceLocation(
          at.substring(0, c1),
          Integer.parseInt(at.substring(c1 + 1, c2)),
          Integer.parseInt(at.substring(c2 + 1)));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
