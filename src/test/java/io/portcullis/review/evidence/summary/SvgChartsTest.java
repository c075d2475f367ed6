package io.portcullis.review.evidence.summary;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.review.evidence.summary.PackSummary.ApprovalTypes;
import io.portcullis.review.evidence.summary.PackSummary.ApproverCount;
import io.portcullis.review.evidence.summary.PackSummary.Charts;
import io.portcullis.review.evidence.summary.PackSummary.DormantEligibility;
import io.portcullis.review.evidence.summary.PackSummary.WeeklyGrants;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class SvgChartsTest {

  static final String SVG_NS = "http://www.w3.org/2000/svg";
  static final String NASTY = "R&D <ops> \"quoted\"";

  private final PackSummary sample = SampleSummaries.quarterlyProdReview();
  private final Charts charts = sample.charts();

  @Test
  void weeklyGrantsStackEveryEntitlementOverTwelveWeeksWithALegend() {
    String svg = SvgCharts.weeklyGrants(charts.weeklyGrants());
    Document doc = parse(svg);
    List<String> texts = texts(doc);
    assertThat(texts).containsAll(SampleSummaries.ENTITLEMENTS);
    assertThat(texts).contains("Grants per entitlement per week", "5 Jan", "23 Mar", "grants");
    long all = charts.weeklyGrants().stream().mapToLong(WeeklyGrants::count).sum();
    assertThat(texts).contains(all + " grants in 12 weeks");
    // Each week's total stands above its bar.
    long firstWeek =
        charts.weeklyGrants().stream()
            .filter(w -> w.weekStart().equals(SampleSummaries.PERIOD_FROM_DATE))
            .mapToLong(WeeklyGrants::count)
            .sum();
    assertThat(texts).contains(Long.toString(firstWeek));
    // 12 weeks x 6 entitlements (those with grants) as bars, plus 6 legend swatches.
    long nonZero = charts.weeklyGrants().stream().filter(w -> w.count() > 0).count();
    assertThat(coloured(doc, "rect")).isEqualTo(nonZero + 6);
    assertThat(svg).doesNotContain(SvgParts.NO_DATA);
  }

  @Test
  void weeklyGrantsGroupEntitlementsPastNineAsOther() {
    List<WeeklyGrants> data = new ArrayList<>();
    for (int e = 0; e < 12; e++) {
      data.add(
          new WeeklyGrants(SampleSummaries.PERIOD_FROM_DATE, "ent-" + (char) ('a' + e), 12 - e));
    }
    List<String> texts = texts(parse(SvgCharts.weeklyGrants(data)));
    assertThat(texts).contains("ent-a", "ent-h", "other (4 entitlements)");
    assertThat(texts).doesNotContain("ent-i", "ent-l");
  }

  @Test
  void approvalTypesShowEachTypeWithCountAndShare() {
    ApprovalTypes types = new ApprovalTypes(150, 45, 5);
    List<String> texts = texts(parse(SvgCharts.approvalTypes(types)));
    assertThat(texts)
        .contains(
            "Approval types",
            "200 grants",
            "Human",
            "Automatic",
            "Break-glass",
            "150 (75.0%)",
            "45 (22.5%)",
            "5 (2.5%)");
  }

  @Test
  void dormantEligibilityShowsUsedAgainstDormant() {
    List<String> texts =
        texts(parse(SvgCharts.dormantEligibility(new DormantEligibility(286, 197, 89))));
    assertThat(texts)
        .contains(
            "Dormant eligibility",
            "286 eligible entries",
            "Used",
            "Dormant",
            "197 (68.9%)",
            "89 (31.1%)");
  }

  @Test
  void approversShowTheTopFifteenAndTheOthersAsOneBar() {
    String svg = SvgCharts.approvers(charts.approvers());
    Document doc = parse(svg);
    List<String> texts = texts(doc);
    List<ApproverCount> sorted = new ArrayList<>(charts.approvers());
    sorted.sort(
        (a, b) ->
            a.count() != b.count()
                ? Long.compare(b.count(), a.count())
                : a.approver().compareTo(b.approver()));
    for (int i = 0; i < 15; i++) {
      assertThat(texts).contains(sorted.get(i).approver());
    }
    assertThat(texts).doesNotContain(sorted.get(15).approver(), sorted.get(39).approver());
    long rest = sorted.subList(15, 40).stream().mapToLong(ApproverCount::count).sum();
    assertThat(texts).contains("others (25 approvers)", Long.toString(rest));
    // The most active approver is the first bar.
    assertThat(texts.indexOf(sorted.get(0).approver()))
        .isLessThan(texts.indexOf(sorted.get(1).approver()));
    assertThat(texts).contains("approvals in the period");
    assertThat(coloured(doc, "rect")).isEqualTo(16);
  }

  @Test
  void breakGlassTimelineDrawsHollowDotsForEventsWithoutFollowUp() {
    String svg =
        SvgCharts.breakGlassTimeline(
            charts.breakGlass(),
            SampleSummaries.PERIOD_FROM,
            SampleSummaries.PERIOD_TO,
            SampleSummaries.ZONE);
    Document doc = parse(svg);
    List<String> texts = texts(doc);
    assertThat(texts)
        .contains(
            "Break-glass timeline",
            "5 break-glass grants, 2 without follow-up",
            "#15102 hana.okafor \u2192 prod-payments-db-admin",
            "#21007 jun.tanaka \u2192 prod-ssh-bastion",
            "followed up",
            "no follow-up review");
    // Month ticks on the time axis.
    assertThat(texts).contains("1 Feb", "1 Mar");
    NodeList circles = doc.getElementsByTagNameNS(SVG_NS, "circle");
    int hollow = 0;
    int filled = 0;
    for (int i = 0; i < circles.getLength(); i++) {
      String fill = ((Element) circles.item(i)).getAttribute("fill");
      if (fill.equals("#ffffff")) {
        hollow++;
      } else {
        filled++;
      }
    }
    // Events and one legend dot of each kind.
    assertThat(hollow).isEqualTo(2 + 1);
    assertThat(filled).isEqualTo(3 + 1);
  }

  @Test
  void completionMarksTheDueDateTheClosingAndTheTotal() {
    List<String> texts =
        texts(
            parse(
                SvgCharts.completion(
                    charts.completion(),
                    SampleSummaries.OPENED,
                    SampleSummaries.DUE,
                    SampleSummaries.CLOSED,
                    SampleSummaries.ZONE)));
    assertThat(texts)
        .contains(
            "Campaign completion over time",
            "412 of 412 items decided (100.0%)",
            "due 20 Apr",
            "closed 22 Apr",
            "all 412 items",
            "items decided");
  }

  @Test
  void namesAreEscapedAndReadBackUnchanged() {
    List<WeeklyGrants> weekly =
        List.of(new WeeklyGrants(SampleSummaries.PERIOD_FROM_DATE, NASTY, 3));
    List<ApproverCount> approvers = List.of(new ApproverCount(NASTY, 7));
    var events = List.of(SampleSummaries.event("2026-02-20T10:00:00Z", NASTY, "x&y", false, 17));
    for (String svg :
        List.of(
            SvgCharts.weeklyGrants(weekly),
            SvgCharts.approvers(approvers),
            SvgCharts.breakGlassTimeline(
                events,
                SampleSummaries.PERIOD_FROM,
                SampleSummaries.PERIOD_TO,
                SampleSummaries.ZONE))) {
      assertThat(svg).contains("R&amp;D &lt;ops&gt; &quot;quoted&quot;").doesNotContain(NASTY);
      List<String> texts = texts(parse(svg));
      assertThat(String.join("\n", texts)).contains(NASTY);
    }
    assertThat(Xml.escape("a\u0001b\uD800c'")).isEqualTo("a\uFFFDb\uFFFDc&#39;");
  }

  @Test
  void emptyDataDrawsANoDataPanelForEveryChart() {
    List<String> svgs =
        List.of(
            SvgCharts.weeklyGrants(List.of()),
            SvgCharts.weeklyGrants(
                List.of(new WeeklyGrants(SampleSummaries.PERIOD_FROM_DATE, "e", 0))),
            SvgCharts.approvalTypes(new ApprovalTypes(0, 0, 0)),
            SvgCharts.dormantEligibility(new DormantEligibility(0, 0, 0)),
            SvgCharts.approvers(List.of()),
            SvgCharts.breakGlassTimeline(
                List.of(),
                SampleSummaries.PERIOD_FROM,
                SampleSummaries.PERIOD_TO,
                SampleSummaries.ZONE),
            SvgCharts.completion(
                List.of(),
                SampleSummaries.OPENED,
                SampleSummaries.DUE,
                null,
                SampleSummaries.ZONE));
    for (String svg : svgs) {
      assertThat(texts(parse(svg))).contains(SvgParts.NO_DATA);
    }
  }

  @Test
  void oneEventOnAnEmptyPeriodStillDrawsAnAxis() {
    var at = SampleSummaries.PERIOD_FROM;
    String svg =
        SvgCharts.breakGlassTimeline(
            List.of(SampleSummaries.event(at.toString(), "a", "b", true, 1)),
            at,
            at,
            SampleSummaries.ZONE);
    assertThat(texts(parse(svg))).contains("#1 a \u2192 b").isNotEmpty();
    assertThat(svg).doesNotContain("NaN").doesNotContain("Infinity");
  }

  @Test
  void theSameDataGivesTheSameBytesWhateverItsOrder() {
    Random random = new Random(7);
    List<WeeklyGrants> weekly = new ArrayList<>(charts.weeklyGrants());
    List<ApproverCount> approvers = new ArrayList<>(charts.approvers());
    var events = new ArrayList<>(charts.breakGlass());
    var points = new ArrayList<>(charts.completion());
    Collections.shuffle(weekly, random);
    Collections.shuffle(approvers, random);
    Collections.shuffle(events, random);
    Collections.shuffle(points, random);
    assertThat(SvgCharts.weeklyGrants(weekly))
        .isEqualTo(SvgCharts.weeklyGrants(charts.weeklyGrants()));
    assertThat(SvgCharts.approvers(approvers)).isEqualTo(SvgCharts.approvers(charts.approvers()));
    assertThat(
            SvgCharts.breakGlassTimeline(
                events,
                SampleSummaries.PERIOD_FROM,
                SampleSummaries.PERIOD_TO,
                SampleSummaries.ZONE))
        .isEqualTo(
            SvgCharts.breakGlassTimeline(
                charts.breakGlass(),
                SampleSummaries.PERIOD_FROM,
                SampleSummaries.PERIOD_TO,
                SampleSummaries.ZONE));
    assertThat(
            SvgCharts.completion(
                points,
                SampleSummaries.OPENED,
                SampleSummaries.DUE,
                SampleSummaries.CLOSED,
                SampleSummaries.ZONE))
        .isEqualTo(
            SvgCharts.completion(
                charts.completion(),
                SampleSummaries.OPENED,
                SampleSummaries.DUE,
                SampleSummaries.CLOSED,
                SampleSummaries.ZONE));
    assertThat(SvgCharts.approvalTypes(charts.approvalTypes()))
        .isEqualTo(SvgCharts.approvalTypes(charts.approvalTypes()));
  }

  @Test
  void scalesEndOnRoundNumbers() {
    assertThat(SvgParts.Scale.of(0, 5)).isEqualTo(new SvgParts.Scale(1, 1));
    assertThat(SvgParts.Scale.of(3, 5)).isEqualTo(new SvgParts.Scale(3, 1));
    assertThat(SvgParts.Scale.of(87, 5)).isEqualTo(new SvgParts.Scale(100, 20));
    assertThat(SvgParts.Scale.of(412, 5)).isEqualTo(new SvgParts.Scale(500, 100));
    assertThat(SvgParts.num(12.345)).isEqualTo("12.35");
    assertThat(SvgParts.num(-0.001)).isEqualTo("0");
    assertThat(SvgParts.num(3.1)).isEqualTo("3.1");
  }

  /** Parses with the JDK parser; a chart that is not well-formed XML fails here. */
  static Document parse(String svg) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      Document doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
      assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo(SVG_NS);
      assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
      assertThat(doc.getDocumentElement().getAttribute("version")).isEqualTo("1.1");
      return doc;
    } catch (Exception e) {
      throw new AssertionError("not well-formed: " + svg, e);
    }
  }

  static List<String> texts(Document doc) {
    NodeList nodes = doc.getElementsByTagNameNS(SVG_NS, "text");
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      texts.add(nodes.item(i).getTextContent());
    }
    return texts;
  }

  /** Elements of a kind filled with a colour other than white, grey or the background. */
  static long coloured(Document doc, String tag) {
    NodeList nodes = doc.getElementsByTagNameNS(SVG_NS, tag);
    long n = 0;
    for (int i = 0; i < nodes.getLength(); i++) {
      String fill = ((Element) nodes.item(i)).getAttribute("fill");
      if (!fill.equals("#ffffff") && !fill.equals("#f7f7f7") && !fill.equals("none")) {
        n++;
      }
    }
    return n;
  }
}
