package io.portcullis.catalog.edit;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of one file, as {@code git apply} and {@code patch -p1} read it: the changed lines
 * between the common head and tail, with up to three lines of context, in one hunk per changed
 * region.
 */
public final class UnifiedDiff {

  static final int CONTEXT = 3;

  private UnifiedDiff() {}

  /**
   * A unified diff of one file, {@code a/file} to {@code b/file} (empty text for a missing file).
   */
  public static String of(String file, String before, String after) {
    List<String> a = lines(before);
    List<String> b = lines(after);
    StringBuilder out = new StringBuilder();
    out.append("--- a/").append(file).append('\n');
    out.append("+++ b/").append(file).append('\n');
    // an LCS over lines: policy files are small (bounded by the loader), so O(n*m) is fine
    int n = a.size();
    int m = b.size();
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).equals(b.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    // the edit script: ' ', '-', '+' with the line
    List<char[]> ops = new ArrayList<>();
    List<String> text = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a.get(i).equals(b.get(j))) {
        ops.add(new char[] {' '});
        text.add(a.get(i));
        i++;
        j++;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.add(new char[] {'-'});
        text.add(a.get(i));
        i++;
      } else {
        ops.add(new char[] {'+'});
        text.add(b.get(j));
        j++;
      }
    }
    int k = 0;
    int aLine = 1;
    int bLine = 1;
    while (k < ops.size()) {
      if (ops.get(k)[0] == ' ') {
        k++;
        aLine++;
        bLine++;
        continue;
      }
      // a hunk: back up to CONTEXT lines, then forward until CONTEXT*2 unchanged lines pass
      int start = Math.max(0, k - CONTEXT);
      int aStart = aLine - (k - start);
      int bStart = bLine - (k - start);
      int end = k;
      int quiet = 0;
      while (end < ops.size() && quiet < CONTEXT * 2) {
        quiet = ops.get(end)[0] == ' ' ? quiet + 1 : 0;
        end++;
      }
      if (quiet > CONTEXT) {
        end -= quiet - CONTEXT;
      }
      int aCount = 0;
      int bCount = 0;
      StringBuilder hunk = new StringBuilder();
      for (int x = start; x < end; x++) {
        char op = ops.get(x)[0];
        hunk.append(op).append(text.get(x)).append('\n');
        if (op != '+') {
          aCount++;
        }
        if (op != '-') {
          bCount++;
        }
      }
      out.append("@@ -")
          .append(aCount == 0 ? aStart - 1 : aStart)
          .append(',')
          .append(aCount)
          .append(" +")
          .append(bCount == 0 ? bStart - 1 : bStart)
          .append(',')
          .append(bCount)
          .append(" @@\n")
          .append(hunk);
      for (int x = k; x < end; x++) {
        char op = ops.get(x)[0];
        if (op != '+') {
          aLine++;
        }
        if (op != '-') {
          bLine++;
        }
      }
      k = end;
    }
    return out.toString();
  }

  private static List<String> lines(String s) {
    List<String> out = new ArrayList<>(List.of(s.split("\n", -1)));
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }
}
