package io.portcullis.review.evidence.verify;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Compares the rows of a pack's CSV file with the rows recomputed from the ledger and names the
 * first difference the way an auditor would say it: a row removed, a row added, or a row whose
 * column holds something the ledger does not give.
 */
final class RowDiff {

  private RowDiff() {}

  /** The first difference between {@code expected} and {@code actual}, or null when equal. */
  static String first(
      String file, List<String> header, List<List<String>> expected, List<List<String>> actual) {
    int n = Math.min(expected.size(), actual.size());
    for (int i = 0; i < n; i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        return differs(
            file,
            header,
            i + 1,
            expected.get(i),
            actual.get(i),
            i + 1 < expected.size() ? expected.get(i + 1) : null,
            i + 1 < actual.size() ? actual.get(i + 1) : null);
      }
    }
    if (actual.size() > expected.size()) {
      return added(file, header, n + 1, actual.get(n));
    }
    if (expected.size() > actual.size()) {
      return removed(file, header, n + 1, expected.get(n), n);
    }
    return null;
  }

  /**
   * Row {@code row} (1-based, the header not counted) differs; the rows after it on each side tell
   * a removed row from an added one.
   */
  static String differs(
      String file,
      List<String> header,
      long row,
      List<String> expected,
      List<String> actual,
      List<String> nextExpected,
      List<String> nextActual) {
    if (actual.equals(nextExpected)) {
      return removed(file, header, row, expected, -1);
    }
    if (expected.equals(nextActual)) {
      return added(file, header, row, actual);
    }
    if (actual.size() != expected.size()) {
      return file
          + " row "
          + row
          + line(row)
          + " has "
          + actual.size()
          + " cells where the header has "
          + header.size();
    }
    for (int c = 0; c < expected.size(); c++) {
      if (!expected.get(c).equals(actual.get(c))) {
        return file
            + " row "
            + row
            + line(row)
            + ", "
            + id(header, expected)
            + ", differs from the ledger in column "
            + (c < header.size() ? header.get(c) : String.valueOf(c + 1))
            + ": the file says '"
            + shorten(actual.get(c))
            + "', the ledger gives '"
            + shorten(expected.get(c))
            + "' (the row was altered)";
      }
    }
    throw new IllegalStateException("rows differ but no cell does");
  }

  static String added(String file, List<String> header, long row, List<String> actual) {
    return file
        + " row "
        + row
        + line(row)
        + ", "
        + id(header, actual)
        + ", is not in the ledger: a row was added";
  }

  /**
   * @param endsAfter the number of rows the file holds when it ended early, or -1 when it goes on
   */
  static String removed(
      String file, List<String> header, long row, List<String> expected, long endsAfter) {
    return file
        + (endsAfter >= 0 ? " ends after row " + endsAfter + ", but the ledger" : ": the ledger")
        + " gives a row "
        + row
        + ", "
        + id(header, expected)
        + ", that the file lacks: a row was removed";
  }

  private static String line(long row) {
    return " (line " + (row + 1) + ")";
  }

  /** How a row is named: its first column, e.g. {@code grant 7f3c…}. */
  private static String id(List<String> header, List<String> row) {
    if (row.isEmpty() || header.isEmpty()) {
      return "an empty row";
    }
    return header.get(0) + " " + shorten(row.get(0));
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /**
   * Compares a large CSV file with rows recomputed one at a time, reading the file along: each
   * recomputed row is matched with the file's next one. Keeps two rows at most.
   */
  static final class Streamed implements Consumer<List<String>>, AutoCloseable {
    private final String file;
    private final List<String> header;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private long expectedRows;
    private long fileRows;
    private String problem;
    private long pendingRow;
    private List<String> pendingExpected;
    private List<String> pendingActual;
    private List<String> lookahead;

    Streamed(String file, List<String> header, Reader in, CSVFormat format) throws IOException {
      this.file = file;
      this.header = header;
      this.parser = CSVParser.parse(in, format);
      this.records = parser.iterator();
      List<String> h = next();
      if (h == null) {
        problem = file + " is empty: it has no header";
      } else if (!h.equals(header)) {
        problem = file + "'s header is " + h + ", a pack's is " + header;
      }
    }

    private List<String> next() {
      try {
        if (!records.hasNext()) {
          return null;
        }
        return records.next().toList();
      } catch (UncheckedIOException | IllegalStateException e) {
        if (problem == null) {
          problem = file + " is not valid CSV after row " + fileRows + ": " + e.getMessage();
        }
        return null;
      }
    }

    private List<String> nextRow() {
      List<String> r = next();
      if (r != null) {
        fileRows++;
      }
      return r;
    }

    @Override
    public void accept(List<String> expected) {
      expectedRows++;
      if (problem != null) {
        return;
      }
      if (pendingExpected != null) {
        problem =
            differs(file, header, pendingRow, pendingExpected, pendingActual, expected, lookahead);
        return;
      }
      List<String> actual = nextRow();
      if (actual == null) {
        if (problem == null) {
          problem = removed(file, header, expectedRows, expected, fileRows);
        }
      } else if (!actual.equals(expected)) {
        pendingRow = expectedRows;
        pendingExpected = expected;
        pendingActual = actual;
        lookahead = nextRow();
      }
    }

    /** Reads the file to its end and returns the first problem, or null. */
    String finish() {
      if (problem == null && pendingExpected != null) {
        problem =
            differs(file, header, pendingRow, pendingExpected, pendingActual, null, lookahead);
      }
      if (problem == null) {
        List<String> extra = nextRow();
        if (extra != null) {
          problem = added(file, header, expectedRows + 1, extra);
        }
      }
      while (nextRow() != null) {
        // read to the end: the file's hash is taken as it is read
      }
      return problem;
    }

    long expectedRows() {
      return expectedRows;
    }

    long fileRows() {
      return fileRows;
    }

    @Override
    public void close() throws IOException {
      parser.close();
    }
  }
}
