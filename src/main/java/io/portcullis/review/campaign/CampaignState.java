package io.portcullis.review.campaign;

/** Where a campaign stands. */
public enum CampaignState {
  /** Reviewers decide items; reminders go out. */
  OPEN,
  /** The deadline passed or an admin closed it: undecided items took the non-response rule. */
  CLOSED,
  /** A named signer gave management sign-off. */
  SIGNED_OFF
}
