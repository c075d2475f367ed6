package io.portcullis.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnitAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Time in the tests, so that the suite passes on any day: a fake service never reads the wall
 * clock, and a test that fixes the time never reads it either. Mixing the two is how {@code make
 * test} came to fail on every day after 2026-11-26: a test gave the provider a fixed {@code now}
 * while the fake STS stamped its Expiration from the wall clock. {@code make test-future} runs the
 * time-sensitive tests a year ahead for what these rules cannot see (policy dates, PostgreSQL's and
 * OpenSSH's clocks).
 */
class TestTimeRulesTest {

  /** Calls that read the wall clock (those taking a {@code Clock} read the test's clock). */
  static final Set<String> WALL_CLOCK =
      Set.of(
          "java.lang.System.currentTimeMillis()",
          "java.time.Instant.now()",
          "java.time.Clock.systemUTC()",
          "java.time.Clock.systemDefaultZone()",
          "java.time.Clock.system(java.time.ZoneId)",
          "java.time.LocalDate.now()",
          "java.time.LocalDate.now(java.time.ZoneId)",
          "java.time.LocalDateTime.now()",
          "java.time.LocalDateTime.now(java.time.ZoneId)",
          "java.time.LocalTime.now()",
          "java.time.LocalTime.now(java.time.ZoneId)",
          "java.time.OffsetDateTime.now()",
          "java.time.OffsetDateTime.now(java.time.ZoneId)",
          "java.time.ZonedDateTime.now()",
          "java.time.ZonedDateTime.now(java.time.ZoneId)",
          "java.util.Date.<init>()");

  /** Calls that fix the time: a clock that stands still, or moves only when the test moves it. */
  static final Set<String> FIXES_TIME =
      Set.of(
          "java.time.Clock.fixed(java.time.Instant,java.time.ZoneId)",
          "io.portcullis.testing.MovableClock.at(java.time.Instant)",
          "io.portcullis.testing.MovableClock.pin(java.time.Instant)",
          "io.portcullis.testing.TestClock.pin(java.time.Instant)");

  /** The one test class that reads the wall clock to follow it: the clock tests hand out. */
  static final String MOVABLE_CLOCK = "io.portcullis.testing.MovableClock";

  private static Map<String, List<JavaClass>> byTopLevelClass;

  @BeforeAll
  static void importTests() {
    JavaClasses tests =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .importPackages("io.portcullis");
    byTopLevelClass =
        tests.stream()
            .collect(
                Collectors.groupingBy(
                    c -> c.getName().replaceFirst("\\$.*", ""), TreeMap::new, Collectors.toList()));
    assertThat(byTopLevelClass).as("the test classes were found").containsKey(MOVABLE_CLOCK);
  }

  static String signature(JavaCodeUnitAccess<?> call) {
    return call.getTargetOwner().getName()
        + "."
        + call.getName()
        + call.getTarget().getRawParameterTypes().stream()
            .map(JavaClass::getName)
            .collect(Collectors.joining(",", "(", ")"));
  }

  /** Where the classes call (or take a reference to) one of {@code which}. */
  static List<String> calls(List<JavaClass> classes, Set<String> which) {
    List<String> found = new ArrayList<>();
    for (JavaClass c : classes) {
      for (JavaCodeUnitAccess<?> call : c.getCodeUnitAccessesFromSelf()) {
        if (which.contains(signature(call))) {
          found.add(
              call.getOrigin().getFullName()
                  + " "
                  + call.getSourceCodeLocation()
                  + " calls "
                  + signature(call));
        }
      }
    }
    return found;
  }

  @Test
  void fakeServicesTakeTheTestsClockAndNeverReadTheWallClock() {
    List<String> found = new ArrayList<>();
    byTopLevelClass.forEach(
        (name, classes) -> {
          String simple = name.substring(name.lastIndexOf('.') + 1);
          if (simple.startsWith("Fake") || simple.startsWith("Stub")) {
            found.addAll(calls(classes, WALL_CLOCK));
          }
        });
    assertThat(found)
        .as(
            "a fake stamps and checks times with the Clock the test gives it (the one the code"
                + " under test reads; TestClock beside a @QuarkusTest), never with the wall clock")
        .isEmpty();
  }

  @Test
  void aTestThatFixesTheTimeNeverReadsTheWallClock() {
    List<String> found = new ArrayList<>();
    byTopLevelClass.forEach(
        (name, classes) -> {
          if (!name.equals(MOVABLE_CLOCK) && !calls(classes, FIXES_TIME).isEmpty()) {
            found.addAll(calls(classes, WALL_CLOCK));
          }
        });
    assertThat(found)
        .as(
            "a test that fixes the time (Clock.fixed, MovableClock.at/pin, TestClock.pin) takes"
                + " 'now' from that clock (clock.instant(), TestClock.now()), so that the code under"
                + " test and the fakes see one time")
        .isEmpty();
  }

  @Test
  void theRulesSeeAWallClockReadAndATimeFix() {
    // the rules would pass vacuously if the signatures did not match what ArchUnit reports
    assertThat(calls(byTopLevelClass.get(MOVABLE_CLOCK), WALL_CLOCK))
        .singleElement()
        .asString()
        .endsWith("calls java.time.Clock.systemUTC()");
    assertThat(calls(byTopLevelClass.get(MOVABLE_CLOCK), FIXES_TIME))
        .singleElement()
        .asString()
        .endsWith("calls io.portcullis.testing.MovableClock.pin(java.time.Instant)");
  }
}
