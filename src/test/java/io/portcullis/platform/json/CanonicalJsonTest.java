package io.portcullis.platform.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  @Test
  void membersAreSortedByUtf16CodeUnitsWhateverTheInsertionOrder() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("b", 1);
    a.put("a", 2);
    a.put("\u20ac", 3); // euro sign, U+20AC
    a.put("\uD83D\uDE00", 4); // emoji, surrogate pair D83D DE00
    a.put("A", 5);
    Map<String, Object> b = new HashMap<>(a);
    assertThat(CanonicalJson.write(a))
        .isEqualTo("{\"A\":5,\"a\":2,\"b\":1,\"\u20ac\":3,\"\uD83D\uDE00\":4}")
        .isEqualTo(CanonicalJson.write(b));
  }

  @Test
  void stringsUseOnlyTheMandatoryEscapes() {
    assertThat(CanonicalJson.write("q\"b\\s/\n\t\r\b\f\u0001\u001f é"))
        .isEqualTo("\"q\\\"b\\\\s/\\n\\t\\r\\b\\f\\u0001\\u001f é\"");
  }

  @Test
  void escapesAtEitherEndAndSideBySideKeepTheTextAround() {
    // the writer copies the runs between escapes at once: their edges are where it could slip
    assertThat(CanonicalJson.write("\n")).isEqualTo("\"\\n\"");
    assertThat(CanonicalJson.write("\"ab\"")).isEqualTo("\"\\\"ab\\\"\"");
    assertThat(CanonicalJson.write("a\n\n\\b")).isEqualTo("\"a\\n\\n\\\\b\"");
    assertThat(CanonicalJson.write("")).isEqualTo("\"\"");
    assertThat(CanonicalJson.write("plain text, no escape")).isEqualTo("\"plain text, no escape\"");
    // beyond ASCII and beyond the BMP nothing is escaped
    assertThat(CanonicalJson.write("\u00e9\ud83d\ude00\u0000x"))
        .isEqualTo("\"\u00e9\ud83d\ude00\\u0000x\"");
  }

  @Test
  void scalarsNestedValuesAndArrays() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", null);
    m.put("t", true);
    m.put("f", false);
    m.put("l", Long.MIN_VALUE);
    m.put("big", new BigInteger("123456789012345678901234567890"));
    m.put("dec", new BigDecimal("42.000"));
    m.put("list", List.of(1, "x", List.of()));
    m.put("arr", new Object[] {Map.of("z", 1, "y", 2)});
    assertThat(CanonicalJson.write(m))
        .isEqualTo(
            "{\"arr\":[{\"y\":2,\"z\":1}],\"big\":123456789012345678901234567890,\"dec\":42,"
                + "\"f\":false,\"l\":-9223372036854775808,\"list\":[1,\"x\",[]],\"n\":null,"
                + "\"t\":true}");
  }

  @Test
  void floatsAndForeignObjectsAreRefused() {
    assertThatThrownBy(() -> CanonicalJson.write(1.5)).hasMessageContaining("integral");
    assertThatThrownBy(() -> CanonicalJson.write(new BigDecimal("1.5")))
        .hasMessageContaining("integral");
    assertThatThrownBy(() -> CanonicalJson.write(new Object())).hasMessageContaining("Not a JSON");
    assertThatThrownBy(() -> CanonicalJson.write(Map.of(1, "x"))).hasMessageContaining("keys");
  }

  @Test
  void runawayNestingIsRefused() {
    Object deep = "x";
    for (int i = 0; i < 40; i++) {
      deep = Arrays.asList(deep);
    }
    Object tooDeep = deep;
    assertThatThrownBy(() -> CanonicalJson.write(tooDeep)).hasMessageContaining("deeper");
  }
}
