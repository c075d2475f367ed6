package io.portcullis.review.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditRecord;
import io.portcullis.review.snapshot.GrantActivity;
import io.portcullis.review.snapshot.GrantActivity.Approval;
import io.portcullis.review.snapshot.GrantActivity.Approver;
import io.portcullis.review.snapshot.GrantActivity.FollowUp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PackRowsTest {

  static final Instant T = Instant.parse("2027-02-01T09:00:00Z");
  static final Instant END = Instant.parse("2027-04-01T00:00:00Z");

  static GrantActivity grant(
      Approval approval,
      String requested,
      Instant endedAt,
      Instant effectiveUntil,
      int failed,
      boolean irrevocable,
      FollowUp followUp) {
    return new GrantActivity(
        "g-1",
        "r-1",
        "prod-db",
        "idp|alice",
        "group:eng",
        approval,
        approval == Approval.HUMAN
            ? List.of(new Approver("idp|bob", T.minusSeconds(60)))
            : List.of(),
        approval == Approval.AUTO ? List.of("staging-self-service") : List.of(),
        requested,
        T.minusSeconds(120),
        T,
        endedAt,
        effectiveUntil,
        endedAt == null ? null : "expiry",
        0,
        failed,
        irrevocable,
        followUp,
        List.of(12L, 10L, 11L, 14L, 13L));
  }

  @Test
  void anActivityRowCarriesTheGrantAndTheSeqsItIsReadFrom() {
    List<String> row =
        PackRows.activity(
            grant(
                Approval.HUMAN, "PT1H", T.plusSeconds(3600), null, 0, false, FollowUp.NOT_NEEDED));
    assertThat(row).hasSameSizeAs(PackRows.ACTIVITY_HEADER);
    assertThat(row.get(0)).isEqualTo("g-1");
    assertThat(row.get(5)).isEqualTo("HUMAN");
    assertThat(row.get(6)).isEqualTo("idp|bob 2027-02-01T08:59:00Z");
    assertThat(row.get(10)).isEqualTo("2027-02-01T09:00:00Z");
    assertThat(row.get(18)).isEqualTo("10 11 12 13 14");
  }

  @Test
  void anOrdinaryGrantIsNoException() {
    assertThat(
            PackRows.exceptions(
                grant(
                    Approval.HUMAN,
                    "PT1H",
                    T.plusSeconds(3600),
                    null,
                    0,
                    false,
                    FollowUp.NOT_NEEDED),
                END))
        .isEmpty();
  }

  @Test
  void failedAndImpossibleRevocationsBreakGlassAndOverrunsAreExceptions() {
    assertThat(
            PackRows.exceptions(
                grant(
                    Approval.HUMAN,
                    "PT1H",
                    T.plusSeconds(3600),
                    null,
                    2,
                    false,
                    FollowUp.NOT_NEEDED),
                END))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get(0)).isEqualTo("REVOCATION_FAILED");
              assertThat(r.get(6)).isEqualTo("2 failed attempt(s) before revocation");
              assertThat(r.get(7)).isEqualTo("10 11 12 13 14");
            });
    // irrevocable and still open at the end of the period: also past the hour approved
    assertThat(
            PackRows.exceptions(
                    grant(Approval.HUMAN, "PT1H", null, null, 3, true, FollowUp.NOT_NEEDED), END)
                .stream()
                .map(r -> r.get(0)))
        .containsExactly("IRREVOCABLE", "OUTSIDE_APPROVED_WINDOW");
    assertThat(
            PackRows.exceptions(
                    grant(
                        Approval.BREAK_GLASS,
                        "PT30M",
                        T.plusSeconds(1800),
                        null,
                        0,
                        false,
                        FollowUp.PENDING),
                    END)
                .stream()
                .map(r -> r.get(0)))
        .containsExactly("BREAK_GLASS_WITHOUT_FOLLOW_UP");
    assertThat(
            PackRows.exceptions(
                grant(
                    Approval.BREAK_GLASS,
                    "PT30M",
                    T.plusSeconds(1800),
                    null,
                    0,
                    false,
                    FollowUp.ACKNOWLEDGED),
                END))
        .isEmpty();
    // a residual window the provider could not cut short runs past the approved hour
    List<List<String>> residual =
        PackRows.exceptions(
            grant(
                Approval.AUTO,
                "PT1H",
                T.plusSeconds(3600),
                T.plusSeconds(3600 + 900),
                0,
                false,
                FollowUp.NOT_NEEDED),
            END);
    assertThat(residual)
        .singleElement()
        .satisfies(r -> assertThat(r.get(6)).contains("PT15M past"));
  }

  @Test
  void suspensionEventsAreExceptionRowsCitingTheirSeqAndSafeForSpreadsheets() {
    AuditRecord placed =
        new AuditRecord(
            41,
            T,
            "suspension.placed",
            "idp|dana",
            Map.of("suspension", "s-1"),
            Map.of("scope", Map.of("group", "vendor-acme"), "reason", "=vendor exit"),
            "0".repeat(64),
            "1".repeat(64));
    assertThat(PackRows.isSuspension(placed)).isTrue();
    List<String> row = PackRows.suspension(placed);
    assertThat(row.get(0)).isEqualTo("SUSPENSION_PLACED");
    assertThat(row.get(6)).isEqualTo("{\"group\":\"vendor-acme\"} =vendor exit");
    assertThat(row.get(7)).isEqualTo("41");
  }

  @Test
  void decisionsAndRemediationsOfTheCampaignAreRowsAndOthersAreNot() {
    Map<String, Object> d = new java.util.LinkedHashMap<>();
    d.put("entitlement", "prod-db");
    d.put("entry", "group:eng");
    d.put("decision", "REMOVE");
    d.put("recommendation", "REMOVE");
    d.put("route", "PRIMARY");
    d.put("to", "DECIDED");
    d.put("digest", "d".repeat(64));
    d.put("justification", "-dormant for 120 days");
    d.put("maxDuration", null);
    d.put("addStage", false);
    AuditRecord decided =
        new AuditRecord(
            70,
            T,
            "review.item_decided",
            "idp|bob",
            Map.of("campaign", "c-1", "item", "i-1"),
            d,
            "0".repeat(64),
            "1".repeat(64));
    List<List<String>> rows = PackRows.decisions(decided, "c-1");
    assertThat(rows)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r).hasSameSizeAs(PackRows.DECISIONS_HEADER);
              assertThat(r.get(0)).isEqualTo("i-1");
              assertThat(r.get(3)).isEqualTo("REMOVE");
              assertThat(r.get(7)).isEqualTo("idp|bob");
              assertThat(r.get(10)).isEqualTo("'-dormant for 120 days");
              assertThat(r.get(13)).isEqualTo("false");
              assertThat(r.get(14)).isEqualTo("70");
            });
    assertThat(PackRows.decisions(decided, "c-2")).isEmpty();

    AuditRecord bulk =
        new AuditRecord(
            71,
            T,
            "review.recommendations_accepted",
            "idp|carol",
            Map.of("campaign", "c-1"),
            Map.of(
                "items",
                List.of(
                    Map.of(
                        "item",
                        "i-2",
                        "entitlement",
                        "prod-db",
                        "entry",
                        "user:erin",
                        "decision",
                        "KEEP",
                        "digest",
                        "e".repeat(64)),
                    Map.of(
                        "item",
                        "i-3",
                        "entitlement",
                        "prod-db",
                        "entry",
                        "user:fay",
                        "decision",
                        "REDUCE",
                        "digest",
                        "f".repeat(64)))),
            "0".repeat(64),
            "1".repeat(64));
    assertThat(PackRows.decisions(bulk, "c-1"))
        .extracting(r -> r.get(0) + " " + r.get(3) + " bulk=" + r.get(13) + " " + r.get(14))
        .containsExactly("i-2 KEEP bulk=true 71", "i-3 REDUCE bulk=true 71");

    AuditRecord remediated =
        new AuditRecord(
            90,
            T.plusSeconds(86400),
            "review.item_remediated",
            "system:review-remediation",
            Map.of("campaign", "c-1", "item", "i-1"),
            Map.of(
                "entitlement",
                "prod-db",
                "entry",
                "group:eng",
                "decision",
                "REMOVE",
                "policyVersion",
                "a".repeat(64)),
            "0".repeat(64),
            "1".repeat(64));
    assertThat(PackRows.remediation(remediated, "c-1").orElseThrow())
        .hasSameSizeAs(PackRows.REMEDIATION_HEADER)
        .startsWith("i-1", "prod-db", "group:eng", "REMOVE")
        .endsWith("90");
    assertThat(PackRows.remediation(remediated, "c-9")).isEmpty();
    assertThat(PackRows.remediation(decided, "c-1")).isEmpty();
  }
}
