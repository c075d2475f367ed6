package io.portcullis.review.evidence.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class SummaryRendererTest {

  static final String XHTML_NS = "http://www.w3.org/1999/xhtml";

  private final SummaryRenderer renderer = new SummaryRenderer();
  private final PackSummary sample = SampleSummaries.quarterlyProdReview();

  @Test
  void htmlIsWellFormedSelfContainedAndHasEverySection() {
    String html = renderer.html(sample);
    Document doc = parse(html);
    assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo(XHTML_NS);
    String text = doc.getDocumentElement().getTextContent();
    assertThat(text)
        .contains(
            SampleSummaries.TITLE,
            "rc-2026-q1-prod",
            "quarterly-prod-access",
            "Every production entitlement (prod-*)",
            "2026-01-05 00:00",
            "2026-03-30 00:00",
            "Europe/Berlin",
            "Totals and timeliness",
            "Late (decided after due)",
            "closed after the due date, 23 decisions late",
            "Sign-off",
            "Carol Approver",
            "oidc|carol",
            "ledger seq 22918",
            "9870 to 22918",
            "audit-ed25519-2026-01",
            "Portcullis 0.1.0",
            sample.provenance().policyHashAtStart(),
            sample.provenance().policyHashAtEnd());
    for (String id :
        List.of(
            "totals",
            "timeliness",
            "weekly-grants",
            "approval-types",
            "dormant-eligibility",
            "approvers",
            "break-glass",
            "completion",
            "sign-off",
            "provenance")) {
      assertThat(byId(doc, id)).as(id).isNotNull();
    }
    assertThat(cellAfter(doc, "Review items")).isEqualTo("412");
    assertThat(cellAfter(doc, "Removed")).isEqualTo("47");
    assertThat(cellAfter(doc, "Due")).isEqualTo("2026-04-20 23:59");
    NodeList svgs = doc.getElementsByTagNameNS(SvgChartsTest.SVG_NS, "svg");
    assertThat(svgs.getLength()).isEqualTo(6);
    NodeList captions = doc.getElementsByTagNameNS(XHTML_NS, "p");
    int figures = 0;
    for (int i = 0; i < captions.getLength(); i++) {
      if (captions.item(i).getTextContent().startsWith("Figure ")) {
        figures++;
      }
    }
    assertThat(figures).isEqualTo(6);
    // Nothing is loaded from elsewhere: no links, images, scripts or style sheets.
    assertThat(html).doesNotContain("<script", "<img", "<link", "src=", "href=", "url(");
    assertThat(renderer.html(sample)).isEqualTo(html);
  }

  @Test
  void htmlSaysWhenTheCampaignWasNotSignedOffAndSurvivesEmptyData() {
    String html = renderer.html(SampleSummaries.empty());
    Document doc = parse(html);
    assertThat(byId(doc, "sign-off").getTextContent())
        .isEqualTo("This campaign has not been signed off.");
    assertThat(doc.getDocumentElement().getTextContent())
        .contains("not closed", "0 of 0 decided", SvgParts.NO_DATA);
    assertThat(doc.getElementsByTagNameNS(SvgChartsTest.SVG_NS, "svg").getLength()).isEqualTo(6);
  }

  @Test
  void htmlEscapesEveryName() {
    String html = renderer.html(SampleSummaries.withHostileNames());
    Document doc = parse(html);
    assertThat(doc.getElementsByTagNameNS(XHTML_NS, "h1").item(0).getTextContent())
        .isEqualTo(SvgChartsTest.NASTY);
    assertThat(byId(doc, "sign-off").getTextContent()).contains(SvgChartsTest.NASTY);
    assertThat(html).doesNotContain(SvgChartsTest.NASTY);
  }

  @Test
  void pdfCarriesTheTitleTotalsAndSignOffOnA4PagesWithItsCreationDate() throws IOException {
    byte[] pdf = renderer.pdf(sample);
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      assertThat(doc.getNumberOfPages()).isGreaterThanOrEqualTo(1);
      PDRectangle page = doc.getPage(0).getMediaBox();
      assertThat(page.getWidth())
          .isCloseTo(PDRectangle.A4.getWidth(), org.assertj.core.data.Offset.offset(1f));
      assertThat(page.getHeight())
          .isCloseTo(PDRectangle.A4.getHeight(), org.assertj.core.data.Offset.offset(1f));
      String text = new PDFTextStripper().getText(doc);
      assertThat(text)
          .contains(
              SampleSummaries.TITLE,
              "Totals and timeliness",
              "Review items",
              "412",
              "318",
              "Signed off by",
              "Carol Approver",
              "audit-ed25519-2026-01");
      assertThat(doc.getDocumentInformation().getTitle()).contains(SampleSummaries.TITLE);
      assertThat(doc.getDocumentInformation().getCreationDate().toInstant())
          .isEqualTo(Instant.parse("2026-04-22T16:00:00Z"));
      assertThat(doc.getDocumentInformation().getProducer()).isEqualTo("Portcullis 0.1.0");
    }
    assertThat(java.util.Arrays.equals(renderer.pdf(sample), pdf))
        .as("same summary, same PDF bytes")
        .isTrue();
  }

  @Test
  void pdfSaysNotSignedOffForAnEmptyCampaign() throws IOException {
    try (PDDocument doc = Loader.loadPDF(renderer.pdf(SampleSummaries.empty()))) {
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains("An empty campaign", "not been signed off");
    }
  }

  @Test
  void pdfChartsAreDrawnOnThePage() throws IOException {
    BufferedImage sampleImage = firstPage(renderer.pdf(sample));
    BufferedImage emptyImage = firstPage(renderer.pdf(SampleSummaries.empty()));
    assertThat(sampleImage.getWidth()).isBetween(820, 830); // A4 at 100 dpi: 827 x 1169
    // The first chart (grants per week) fills the lower half of page 1 with coloured bars; the
    // same region of the empty campaign holds only grey "no data" panels and text.
    long chartPixels = colouredPixels(sampleImage, 0.35, 0.95);
    long emptyPixels = colouredPixels(emptyImage, 0.35, 0.95);
    assertThat(chartPixels).isGreaterThan(30_000);
    assertThat(emptyPixels).isLessThan(2_000);
    assertThat(nonWhitePixels(sampleImage, 0.35, 0.95)).isGreaterThan(40_000);
  }

  @Test
  void pdftoppmRendersTheFirstPage(@TempDir Path dir) throws Exception {
    Path pdftoppm = onPath("pdftoppm");
    Assumptions.assumeTrue(pdftoppm != null, "pdftoppm (Debian poppler-utils) is not on PATH");
    Path pdf = dir.resolve("summary.pdf");
    Files.write(pdf, renderer.pdf(sample));
    Path png = pdftoppm(pdftoppm, pdf, dir.resolve("page"), 100);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isBetween(820, 830);
    assertThat(colouredPixels(image, 0.35, 0.95)).isGreaterThan(30_000);
    assertThat(nonWhitePixels(image, 0.0, 0.35)).isGreaterThan(5_000);
  }

  /**
   * Writes page 1 of the sample's PDF to the path in {@code -Devidence.summary.png=...} (the
   * README's picture, src/docs/img/evidence-summary.png), with pdftoppm at 60 dpi when present.
   */
  @Test
  void writesTheReadmePicture() throws Exception {
    String target = System.getProperty("evidence.summary.png");
    Assumptions.assumeTrue(target != null, "-Devidence.summary.png not set");
    Path out = Path.of(target).toAbsolutePath();
    Files.createDirectories(out.getParent());
    byte[] pdf = renderer.pdf(sample);
    Path pdftoppm = onPath("pdftoppm");
    if (pdftoppm != null) {
      Path dir = Files.createTempDirectory("evidence-summary");
      Path file = dir.resolve("summary.pdf");
      Files.write(file, pdf);
      Files.copy(
          pdftoppm(pdftoppm, file, dir.resolve("page"), 60),
          out,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } else {
      try (PDDocument doc = Loader.loadPDF(pdf)) {
        ImageIO.write(new PDFRenderer(doc).renderImageWithDPI(0, 60), "png", out.toFile());
      }
    }
    assertThat(Files.size(out)).isBetween(1_000L, 300_000L);
  }

  static Path pdftoppm(Path pdftoppm, Path pdf, Path prefix, int dpi) throws Exception {
    Process process =
        new ProcessBuilder(
                pdftoppm.toString(),
                "-png",
                "-r",
                Integer.toString(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                pdf.toString(),
                prefix.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    Path png = Path.of(prefix + ".png");
    assertThat(png).exists();
    return png;
  }

  static Path onPath(String name) {
    String path = System.getenv("PATH");
    List<String> dirs =
        new ArrayList<>(List.of(path == null ? new String[0] : path.split(File.pathSeparator)));
    for (String dir : dirs) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static BufferedImage firstPage(byte[] pdf) throws IOException {
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      return new PDFRenderer(doc).renderImageWithDPI(0, 100);
    }
  }

  /** Pixels of a saturated colour (chart bars and dots, not black, grey or white text). */
  static long colouredPixels(BufferedImage image, double fromY, double toY) {
    long n = 0;
    for (int y = (int) (image.getHeight() * fromY); y < image.getHeight() * toY; y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        int max = Math.max(r, Math.max(g, b));
        int min = Math.min(r, Math.min(g, b));
        if (max - min > 60) {
          n++;
        }
      }
    }
    return n;
  }

  static long nonWhitePixels(BufferedImage image, double fromY, double toY) {
    long n = 0;
    for (int y = (int) (image.getHeight() * fromY); y < image.getHeight() * toY; y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        if (rgb != 0xffffff) {
          n++;
        }
      }
    }
    return n;
  }

  static Document parse(String xhtml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xhtml)));
    } catch (Exception e) {
      throw new AssertionError("not well-formed XHTML", e);
    }
  }

  static Element byId(Document doc, String id) {
    NodeList all = doc.getElementsByTagNameNS("*", "*");
    for (int i = 0; i < all.getLength(); i++) {
      Element element = (Element) all.item(i);
      if (id.equals(element.getAttribute("id"))) {
        return element;
      }
    }
    return null;
  }

  /** The text of the table cell next to the header cell with the label. */
  static String cellAfter(Document doc, String label) {
    NodeList headers = doc.getElementsByTagNameNS(XHTML_NS, "th");
    for (int i = 0; i < headers.getLength(); i++) {
      if (headers.item(i).getTextContent().equals(label)) {
        org.w3c.dom.Node next = headers.item(i).getNextSibling();
        return next.getTextContent();
      }
    }
    return null;
  }
}
