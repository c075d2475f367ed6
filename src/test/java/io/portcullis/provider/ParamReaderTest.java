package io.portcullis.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The one reader of provider parameters: every failure names kind, parameter and expectation. */
class ParamReaderTest {

  interface Read {
    void run(ParamReader p) throws InvalidParamException;
  }

  static InvalidParamException refused(Map<String, Object> params, Read read) {
    InvalidParamException e =
        catchThrowableOfType(
            InvalidParamException.class, () -> read.run(new ParamReader("demo", params)));
    assertThat(e).as("%s is refused", params).isNotNull();
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
    assertThat(e.providerKind()).isEqualTo("demo");
    assertThat(e.getMessage()).startsWith("demo parameter '" + e.param() + "' " + e.problem());
    return e;
  }

  @Test
  void aMissingTextSaysWhatToGive() throws Exception {
    InvalidParamException e =
        refused(Map.of(), p -> p.requiredText("path", "the path to read, e.g. db/creds/r"));
    assertThat(e.param()).isEqualTo("path");
    assertThat(e.getMessage())
        .isEqualTo("demo parameter 'path' is missing; expected the path to read, e.g. db/creds/r");
    assertThat(new ParamReader("demo", Map.of("path", "  db/creds/r ")).requiredText("path", "x"))
        .isEqualTo("db/creds/r");
    assertThat(new ParamReader("demo", Map.of("path", " ")).text("path")).isEmpty();
  }

  @Test
  void shapesAreChecked() {
    assertThat(refused(Map.of("path", List.of("a")), p -> p.text("path")).problem())
        .isEqualTo("must be a text, not a list");
    assertThat(refused(Map.of("path", 7), p -> p.text("path")).problem())
        .isEqualTo("must be a text, not the number 7");
    assertThat(refused(Map.of("roles", Map.of("a", "b")), p -> p.texts("roles")).problem())
        .isEqualTo("must be a list of texts, not a map");
    assertThat(refused(Map.of("roles", List.of("a", 1)), p -> p.texts("roles")).problem())
        .isEqualTo("must be a list of texts, but holds the number 1");
    assertThat(
            refused(Map.of("meta", Map.of("team", List.of("x"))), p -> p.textMap("meta")).param())
        .isEqualTo("meta.team");
    assertThat(refused(Map.of("meta", "x"), p -> p.textMap("meta")).problem())
        .isEqualTo("must be a map of names to texts, not 'x'");
  }

  @Test
  void valuesAreChecked() throws Exception {
    Pattern arn = Pattern.compile("arn:.*");
    assertThat(
            refused(Map.of("roleArn", "role\n1"), p -> p.matching("roleArn", arn, "an ARN"))
                .getMessage())
        .isEqualTo("demo parameter 'roleArn' is not valid: 'role?1'; expected an ARN");
    assertThat(refused(Map.of("n", "1.5"), p -> p.wholeNumber("n", 1, 5)).problem())
        .isEqualTo("must be a whole number from 1 to 5, not '1.5'");
    assertThat(refused(Map.of("n", 6), p -> p.wholeNumber("n", 1, 5)).problem())
        .isEqualTo("must be a whole number from 1 to 5, not the number 6");
    assertThat(refused(Map.of("n", -1), p -> p.wholeNumber("n", 0, Long.MAX_VALUE)).problem())
        .isEqualTo("must be a whole number of at least 0, not the number -1");
    assertThat(new ParamReader("demo", Map.of("n", "3")).wholeNumber("n", 1, 5)).hasValue(3);
    assertThat(refused(Map.of("f", "yes"), p -> p.flag("f", false)).problem())
        .isEqualTo("must be true or false, not 'yes'");
    assertThat(new ParamReader("demo", Map.of("f", "TRUE")).flag("f", false)).isTrue();
    Duration min = Duration.ofSeconds(1);
    Duration max = Duration.ofHours(24);
    assertThat(refused(Map.of("wrap", "soon"), p -> p.duration("wrap", min, max)).getMessage())
        .isEqualTo(
            "demo parameter 'wrap' must be an ISO-8601 duration, not 'soon'; expected a duration"
                + " from PT1S to PT24H, e.g. PT5M");
    assertThat(refused(Map.of("wrap", "PT48H"), p -> p.duration("wrap", min, max)).problem())
        .isEqualTo("must be between PT1S and PT24H, not PT48H");
    assertThat(new ParamReader("demo", Map.of("wrap", 300)).duration("wrap", min, max))
        .hasValue(Duration.ofMinutes(5));
    assertThat(refused(Map.of("c", "sometimes"), p -> p.choice("c", "early", "never", "early")))
        .satisfies(
            e -> assertThat(e.problem()).isEqualTo("must be one of never, early, not 'sometimes'"));
    assertThat(new ParamReader("demo", Map.of("c", "NEVER")).choice("c", "early", "never", "early"))
        .isEqualTo("never");
    assertThat(new ParamReader("demo", Map.of()).choice("c", "early", "never", "early"))
        .isEqualTo("early");
  }

  @Test
  void anUnknownParameterListsTheKnownOnes() {
    InvalidParamException e =
        refused(Map.of("path", "x", "pth", "y"), p -> p.onlyKnown(Set.of("path", "wrap")));
    assertThat(e.param()).isEqualTo("pth");
    assertThat(e.allowed()).containsExactlyInAnyOrder("path", "wrap");
    assertThat(e.getMessage())
        .isEqualTo("demo parameter 'pth' is unknown; expected one of path, wrap");
  }

  @Test
  void aKindReadsItsParametersIntoItsRecord() throws Exception {
    record Demo(String path, long n) {}
    ProviderKind<Demo> kind =
        new ProviderKind<>(
            "demo",
            p -> new Demo(p.requiredText("path", "a path"), p.wholeNumber("n", 1, 9).orElse(1)));
    assertThat(kind.params(Map.of("path", "a"))).isEqualTo(new Demo("a", 1));
    assertThat(
            catchThrowableOfType(InvalidParamException.class, () -> kind.params(Map.of())).param())
        .isEqualTo("path");
  }
}
