package io.portcullis.review.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackCsvTest {

  @Test
  void textThatASpreadsheetWouldRunIsNeutralised() {
    assertThat(PackCsv.cell("=HYPERLINK(\"http://x\")")).isEqualTo("'=HYPERLINK(\"http://x\")");
    assertThat(PackCsv.cell("+1")).isEqualTo("'+1");
    assertThat(PackCsv.cell("-2+3")).isEqualTo("'-2+3");
    assertThat(PackCsv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(PackCsv.cell("\tcmd")).isEqualTo("'\tcmd");
    assertThat(PackCsv.cell("\rcmd")).isEqualTo("'\rcmd");
    assertThat(PackCsv.cell("alice@example.com")).isEqualTo("alice@example.com");
    assertThat(PackCsv.cell("")).isEmpty();
    assertThat(PackCsv.cell(null)).isEmpty();
  }

  @Test
  void numbersBooleansTimesAndListsAreWrittenPlainly() {
    assertThat(PackCsv.cell(-5L)).isEqualTo("-5");
    assertThat(PackCsv.cell(true)).isEqualTo("true");
    assertThat(PackCsv.cell(Instant.parse("2027-01-01T00:00:00Z")))
        .isEqualTo("2027-01-01T00:00:00Z");
    assertThat(PackCsv.cell(List.of(3L, 7L, 12L))).isEqualTo("3 7 12");
    assertThat(PackCsv.cell(List.of("-x", "y"))).isEqualTo("'-x y");
  }

  @Test
  void whatIsWrittenReadsBackCellForCell() throws Exception {
    List<String> header = List.of("who", "note", "seqs");
    List<List<String>> rows =
        List.of(
            PackCsv.row("alice", "said \"yes\", then\nno", List.of(1L, 2L)),
            PackCsv.row("=cmd|' /C calc'!A0", null, List.of()));
    StringWriter out = new StringWriter();
    PackCsv.write(out, header, rows);
    assertThat(out.toString()).startsWith("who,note,seqs\r\n").contains("\"said \"\"yes\"\", then");
    PackCsv.Table back = PackCsv.read(new StringReader(out.toString()));
    assertThat(back.header()).isEqualTo(header);
    assertThat(back.rows()).isEqualTo(rows);
    assertThat(back.rows().get(1).get(0)).startsWith("'=");
  }

  @Test
  void aRowOfTheWrongWidthIsRefused() {
    assertThatThrownBy(
            () -> PackCsv.write(new StringWriter(), List.of("a", "b"), List.of(List.of("1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 cells where the header has 2");
  }
}
