package io.portcullis.review.campaign;

import io.portcullis.review.recommend.Finding;
import java.util.List;
import java.util.Map;

/**
 * What an item shows beside its decision buttons, fixed at launch: the entry's path, what its
 * people did, the findings behind the recommendation, who reviews it and why it was flagged.
 */
public record ItemContent(
    List<String> via,
    List<ItemDraft.Use> uses,
    Map<String, Integer> approvers,
    List<Finding> findings,
    People reviewers,
    People fallback,
    People secondStage,
    List<String> flags) {

  public ItemContent {
    via = List.copyOf(via);
    uses = List.copyOf(uses);
    approvers = Map.copyOf(approvers);
    findings = List.copyOf(findings);
    flags = List.copyOf(flags);
  }
}
