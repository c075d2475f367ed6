package io.portcullis.review.evidence.summary;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.PageSizeUnits;
import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.pdfboxout.PdfBoxRenderer;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.svgsupport.BatikSVGDrawer;
import io.portcullis.review.evidence.summary.PackSummary.Campaign;
import io.portcullis.review.evidence.summary.PackSummary.Charts;
import io.portcullis.review.evidence.summary.PackSummary.Provenance;
import io.portcullis.review.evidence.summary.PackSummary.SignOff;
import io.portcullis.review.evidence.summary.PackSummary.Totals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Renders the evidence pack's summary: {@link #html} gives a self-contained XHTML document (inline
 * CSS and SVG charts, nothing loaded from elsewhere), {@link #pdf} the same document as an A4 PDF
 * with the charts drawn as vectors. Both depend only on the {@link PackSummary}: the PDF's creation
 * date is the summary's generation time, so the same summary gives the same bytes.
 */
public final class SummaryRenderer {

  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ENGLISH);

  static final String CSS =
      """
      @page { size: A4; margin: 15mm 15mm 16mm 15mm;
        @bottom-left { content: "Portcullis evidence pack summary"; font-family: Helvetica, sans-serif;
          font-size: 7.5pt; color: #666666; }
        @bottom-right { content: "Page " counter(page) " of " counter(pages);
          font-family: Helvetica, sans-serif; font-size: 7.5pt; color: #666666; } }
      body { font-family: Helvetica, Arial, sans-serif; font-size: 9.5pt; color: #222222;
        margin: 0; line-height: 1.3; }
      h1 { font-size: 17pt; margin: 0 0 2mm 0; }
      h2 { font-size: 12pt; margin: 5mm 0 2mm 0; border-bottom: 0.5pt solid #999999;
        padding-bottom: 1mm; page-break-after: avoid; }
      .meta { color: #444444; margin: 0 0 1mm 0; }
      table { border-collapse: collapse; }
      table.facts td, table.facts th { padding: 1mm 2mm; border-bottom: 0.5pt solid #dddddd;
        text-align: left; vertical-align: top; }
      table.facts th { font-weight: normal; color: #444444; width: 40mm; }
      table.facts td.n { text-align: right; font-weight: bold; width: 18mm; }
      table.columns { width: 100%; }
      table.columns > tbody > tr > td { vertical-align: top; padding: 0; }
      .figure { page-break-inside: avoid; margin: 0 0 4mm 0; }
      .figure svg { display: block; }
      .caption { font-size: 8pt; color: #444444; margin: 1mm 0 0 0; }
      .signoff { border: 0.75pt solid #59a14f; padding: 2mm 3mm; page-break-inside: avoid; }
      .unsigned { border: 0.75pt solid #d62728; padding: 2mm 3mm; color: #d62728;
        page-break-inside: avoid; }
      .statement { font-style: italic; margin: 1mm 0; }
      .footer { margin-top: 5mm; font-size: 7.5pt; color: #444444; page-break-inside: avoid; }
      .footer td { padding: 0.5mm 2mm 0.5mm 0; vertical-align: top; }
      .mono { font-family: Courier, monospace; font-size: 7.5pt; }
      """;

  /** The summary as a self-contained, well-formed XHTML document. */
  public String html(PackSummary summary) {
    Campaign c = summary.campaign();
    ZoneId zone = c.zone();
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<!DOCTYPE html>\n")
        .append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
        .append("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"/>\n")
        .append("<title>")
        .append(e("Evidence pack summary: " + c.title()))
        .append("</title>\n")
        .append("<meta name=\"subject\" content=\"")
        .append(e("Access review campaign " + c.id()))
        .append("\"/>\n")
        .append("<meta name=\"author\" content=\"")
        .append(e("Portcullis " + summary.provenance().generatorVersion()))
        .append("\"/>\n")
        .append("<style type=\"text/css\">\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
    heading(h, c);
    totals(h, summary.totals(), c);
    charts(h, summary.charts(), c);
    signOff(h, summary.signOff(), zone);
    footer(h, summary.provenance(), zone);
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  /**
   * The summary as an A4 PDF rendered by OpenHTMLtoPDF, the charts drawn by Batik as vector
   * graphics; the document's creation date is {@link Provenance#generatedAt()}.
   */
  public byte[] pdf(PackSummary summary) {
    Document document = parse(html(summary));
    Calendar generated = calendar(summary.provenance().generatedAt());
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
    PdfRendererBuilder builder =
        new PdfRendererBuilder()
            .useFastMode()
            .useDefaultPageSize(210, 297, PageSizeUnits.MM)
            .useSVGDrawer(new BatikSVGDrawer())
            .useExternalResourceAccessControl(
                (uri, type) -> false, ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI)
            .useExternalResourceAccessControl(
                (uri, type) -> false, ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI)
            .withDiagnosticConsumer(diagnostic -> {})
            .withW3cDocument(document, "about:blank")
            .withProducer("Portcullis " + summary.provenance().generatorVersion())
            .toStream(out);
    try (PdfBoxRenderer renderer = builder.buildPdfRenderer()) {
      renderer.layout();
      renderer.createPDFWithoutClosing();
      PDDocument pdf = renderer.getPdfDocument();
      PDDocumentInformation info = pdf.getDocumentInformation();
      info.setCreationDate(generated);
      info.setModificationDate(generated);
      // PDFBox otherwise makes the trailer's /ID from the wall clock: derive it from the content.
      byte[] id = documentId(document, summary.provenance().generatedAt());
      COSArray ids = new COSArray();
      ids.add(new COSString(id));
      ids.add(new COSString(id));
      pdf.getDocument().getTrailer().setItem(COSName.ID, ids);
      pdf.save(out);
    } catch (IOException e) {
      throw new UncheckedIOException("rendering the evidence pack summary failed", e);
    }
    return out.toByteArray();
  }

  private static void heading(StringBuilder h, Campaign c) {
    ZoneId zone = c.zone();
    h.append("<h1>").append(e(c.title())).append("</h1>\n");
    h.append("<p class=\"meta\">Access review campaign <b>")
        .append(e(c.id()))
        .append("</b> (")
        .append(e(c.definitionName()))
        .append(") \u2014 evidence pack summary</p>\n");
    h.append("<p class=\"meta\">Scope: ").append(e(c.scope())).append("</p>\n");
    h.append("<p class=\"meta\">Period: <b>")
        .append(e(minute(c.periodFrom(), zone)))
        .append("</b> to <b>")
        .append(e(minute(c.periodTo(), zone)))
        .append("</b> (times in ")
        .append(e(zone.getId()))
        .append(")</p>\n");
  }

  private static void totals(StringBuilder h, Totals t, Campaign c) {
    ZoneId zone = c.zone();
    h.append("<h2>Totals and timeliness</h2>\n");
    h.append("<table class=\"columns\"><tbody><tr><td style=\"width: 50%\">\n");
    h.append("<table class=\"facts\" id=\"totals\"><tbody>\n");
    row(h, "Review items", t.items());
    row(h, "Decided", t.decided());
    row(h, "Kept", t.kept());
    row(h, "Reduced", t.reduced());
    row(h, "Removed", t.removed());
    row(h, "Don\u2019t know", t.dontKnow());
    row(h, "Pending", t.pending());
    row(h, "Late (decided after due)", t.late());
    h.append("</tbody></table>\n</td><td style=\"width: 50%\">\n");
    h.append("<table class=\"facts\" id=\"timeliness\"><tbody>\n");
    fact(h, "Opened", minute(c.opened(), zone));
    fact(h, "Due", minute(c.due(), zone));
    fact(h, "First decision", orDash(t.firstDecision(), zone));
    fact(h, "Last decision", orDash(t.lastDecision(), zone));
    fact(h, "Closed", c.closed() == null ? "not closed" : minute(c.closed(), zone));
    fact(h, "Completion", completion(t));
    fact(h, "Timeliness", timeliness(t, c));
    h.append("</tbody></table>\n</td></tr></tbody></table>\n");
  }

  private static String completion(Totals t) {
    return t.decided()
        + " of "
        + t.items()
        + " decided ("
        + SvgParts.percent(t.decided(), t.items())
        + ")";
  }

  private static String timeliness(Totals t, Campaign c) {
    if (t.items() == 0) {
      return "nothing to decide";
    }
    if (c.closed() == null) {
      return t.pending() == 0 ? "all decided, not yet closed" : t.pending() + " still pending";
    }
    boolean closedLate = c.closed().isAfter(c.due());
    if (!closedLate && t.late() == 0) {
      return "closed on time";
    }
    return (closedLate ? "closed after the due date" : "closed on time")
        + (t.late() > 0 ? ", " + t.late() + " decisions late" : "");
  }

  private static void charts(StringBuilder h, Charts charts, Campaign c) {
    ZoneId zone = c.zone();
    h.append("<h2>Charts</h2>\n");
    figure(
        h,
        "weekly-grants",
        SvgCharts.weeklyGrants(charts.weeklyGrants()),
        "Figure 1. Grants that started in each week of the period, stacked by entitlement.");
    h.append("<table class=\"columns\"><tbody><tr><td style=\"width: 50%\">\n");
    figure(
        h,
        "approval-types",
        SvgCharts.approvalTypes(charts.approvalTypes()),
        "Figure 2. How the period\u2019s grants were approved: by a person, automatically by"
            + " policy, or by break-glass.");
    h.append("</td><td style=\"width: 50%\">\n");
    figure(
        h,
        "dormant-eligibility",
        SvgCharts.dormantEligibility(charts.dormantEligibility()),
        "Figure 3. Eligibility entries used at least once in the period, and those left dormant.");
    h.append("</td></tr></tbody></table>\n");
    figure(
        h,
        "approvers",
        SvgCharts.approvers(charts.approvers()),
        "Figure 4. Approvals per approver in the period, the 15 most active first.");
    figure(
        h,
        "break-glass",
        SvgCharts.breakGlassTimeline(
            charts.breakGlass(),
            charts.breakGlassGrants(),
            charts.breakGlassWithoutFollowUp(),
            c.periodFrom(),
            c.periodTo(),
            zone),
        "Figure 5. Break-glass grants over the period; a hollow dot had no follow-up review.");
    figure(
        h,
        "completion",
        SvgCharts.completion(charts.completion(), c.opened(), c.due(), c.closed(), zone),
        "Figure 6. Review items decided over time, against the due date.");
  }

  private static void figure(StringBuilder h, String id, String svg, String caption) {
    h.append("<div class=\"figure\" id=\"")
        .append(id)
        .append("\">\n")
        .append(svg)
        .append("\n<p class=\"caption\">")
        .append(e(caption))
        .append("</p>\n</div>\n");
  }

  private static void signOff(StringBuilder h, SignOff s, ZoneId zone) {
    h.append("<h2>Sign-off</h2>\n");
    if (s == null) {
      h.append(
              "<div class=\"unsigned\" id=\"sign-off\">This campaign has <b>not been signed off</b>.")
          .append("</div>\n");
      return;
    }
    h.append("<div class=\"signoff\" id=\"sign-off\">\n<p>Signed off by <b>")
        .append(e(s.name()))
        .append("</b> (")
        .append(e(s.subject()))
        .append(") on ")
        .append(e(minute(s.at(), zone)))
        .append(" ")
        .append(e(zone.getId()))
        .append(", ledger seq ")
        .append(s.seq())
        .append(":</p>\n<p class=\"statement\">\u201c")
        .append(e(s.statement()))
        .append("\u201d</p>\n</div>\n");
  }

  private static void footer(StringBuilder h, Provenance p, ZoneId zone) {
    h.append("<div class=\"footer\" id=\"provenance\">\n<table><tbody>\n");
    footerRow(h, "Ledger seq range", p.ledgerSeqFrom() + " to " + p.ledgerSeqTo(), false);
    footerRow(h, "Policy hash at start", p.policyHashAtStart(), true);
    footerRow(h, "Policy hash at end", p.policyHashAtEnd(), true);
    footerRow(h, "Signer key id", p.signerKeyId(), true);
    footerRow(h, "Generator", "Portcullis " + p.generatorVersion(), false);
    footerRow(h, "Generated", minute(p.generatedAt(), zone) + " " + zone.getId(), false);
    h.append("</tbody></table>\n<p>Every figure above is recomputed from the ledger extract in")
        .append(" this pack; <span class=\"mono\">make verify-pack</span> checks it offline.</p>\n")
        .append("</div>\n");
  }

  private static void footerRow(StringBuilder h, String label, String value, boolean mono) {
    h.append("<tr><td>")
        .append(e(label))
        .append("</td><td")
        .append(mono ? " class=\"mono\"" : "")
        .append(">")
        .append(e(value))
        .append("</td></tr>\n");
  }

  private static void row(StringBuilder h, String label, int value) {
    h.append("<tr><th>").append(e(label)).append("</th><td class=\"n\">").append(value);
    h.append("</td></tr>\n");
  }

  private static void fact(StringBuilder h, String label, String value) {
    h.append("<tr><th>")
        .append(e(label))
        .append("</th><td>")
        .append(e(value))
        .append("</td></tr>\n");
  }

  private static String minute(Instant at, ZoneId zone) {
    return at.atZone(zone).format(MINUTE);
  }

  private static String orDash(Instant at, ZoneId zone) {
    return at == null ? "\u2013" : minute(at, zone);
  }

  private static String e(String text) {
    return Xml.escape(text);
  }

  private static Calendar calendar(Instant at) {
    return GregorianCalendar.from(at.atZone(ZoneOffset.UTC));
  }

  /** The first 16 bytes of the SHA-256 of the document's text and the generation time. */
  private static byte[] documentId(Document document, Instant generatedAt) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(document.getDocumentElement().getTextContent().getBytes(StandardCharsets.UTF_8));
      sha.update(generatedAt.toString().getBytes(StandardCharsets.UTF_8));
      return Arrays.copyOf(sha.digest(), 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Parses the XHTML with the JDK parser: no DTD or external entity is loaded. */
  static Document parse(String xhtml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      return builder.parse(new InputSource(new StringReader(xhtml)));
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw new IllegalStateException("the summary is not well-formed XHTML", e);
    }
  }
}
