package io.portcullis.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class where times from different sources meet: a fixed or pinned clock beside a fake
 * service, or a clock outside the JVM (OpenSSH checking a certificate's validity, keytool's TLS
 * certificates). {@code make test} runs these classes (JUnit tag {@code time}) a second time with
 * the wall clock a year ahead ({@code make test-future}), so that one that would pass only until
 * some date fails today. Keep the set cheap: unit-level classes only, no {@code @QuarkusTest} (each
 * costs an application start). The {@code @QuarkusTest}s that pin the application's clock are
 * checked a year ahead with {@code make test-future FUTURE_TESTS=...} (README), and every test by
 * {@code TestTimeRulesTest}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("time")
public @interface TimeSensitive {}
