package io.portcullis.review.evidence;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The CSV dialect of evidence packs: RFC 4180 (comma, double quotes, CRLF), a header row, UTF-8.
 * Text cells are made safe for spreadsheets: one that starts with {@code = + - @}, a tab or a
 * carriage return gets a leading apostrophe, so that Excel, LibreOffice and Google Sheets show it
 * as text instead of running it as a formula (OWASP "CSV injection"). Numbers and booleans are
 * written as they are. The same rendering is used to write a pack and, in the verifier, to
 * recompute its rows, so a row compares equal exactly when its content does.
 */
public final class PackCsv {

  public static final CSVFormat FORMAT =
      CSVFormat.RFC4180.builder().setRecordSeparator("\r\n").get();

  private PackCsv() {}

  /** A cell as written: text neutralised, numbers and booleans plain, null empty. */
  public static String cell(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof Instant i) {
      return i.toString();
    }
    if (value instanceof List<?> list) {
      return neutralise(list.stream().map(String::valueOf).collect(Collectors.joining(" ")));
    }
    return neutralise(value.toString());
  }

  /** Prefixes an apostrophe when a spreadsheet would read the text as a formula. */
  static String neutralise(String text) {
    if (text.isEmpty()) {
      return text;
    }
    char c = text.charAt(0);
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'
        ? "'" + text
        : text;
  }

  /** A row as written: every value through {@link #cell}. */
  public static List<String> row(Object... values) {
    List<String> out = new ArrayList<>(values.length);
    for (Object v : values) {
      out.add(cell(v));
    }
    return out;
  }

  /** Writes a header and rows (already rendered by {@link #row}). */
  public static void write(Writer out, List<String> header, Iterable<List<String>> rows) {
    try {
      CSVPrinter p = new CSVPrinter(out, FORMAT);
      p.printRecord(header);
      for (List<String> r : rows) {
        if (r.size() != header.size()) {
          throw new IllegalArgumentException(
              "a row has " + r.size() + " cells where the header has " + header.size());
        }
        p.printRecord(r);
      }
      p.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A CSV file as read back: its header and rows, each cell as written. */
  public record Table(List<String> header, List<List<String>> rows) {}

  /** Reads a CSV file of this dialect. */
  public static Table read(Reader in) throws IOException {
    try (CSVParser parser = CSVParser.parse(in, FORMAT)) {
      List<List<String>> rows = new ArrayList<>();
      List<String> header = null;
      for (CSVRecord r : parser) {
        List<String> cells = r.toList();
        if (header == null) {
          header = List.copyOf(cells);
        } else {
          rows.add(List.copyOf(cells));
        }
      }
      return new Table(header == null ? List.of() : header, List.copyOf(rows));
    }
  }
}
