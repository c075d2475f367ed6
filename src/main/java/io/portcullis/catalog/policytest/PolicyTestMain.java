package io.portcullis.catalog.policytest;

import io.portcullis.catalog.cel.CelEngine;
import io.portcullis.catalog.load.PolicyLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * {@code make policy-test}: loads the policy directory, runs its tests and prints a table.
 *
 * <p>Usage: {@code PolicyTestMain [policy-dir] [tests-dir]} (defaults {@code policies} and {@code
 * <policy-dir>/tests}). Exit status 0 when every case passed, 1 when one failed, 2 when the policy
 * does not load.
 */
public final class PolicyTestMain {

  private PolicyTestMain() {}

  public static void main(String[] args) throws Exception {
    Path policies = Path.of(args.length > 0 ? args[0] : "policies");
    Path tests = args.length > 1 ? Path.of(args[1]) : policies.resolve("tests");
    PolicyLoader.Result loaded =
        new PolicyLoader(new CelEngine()).load(policies, Clock.systemUTC().instant());
    if (!loaded.ok()) {
      System.out.println("The policy in " + policies + " does not load:");
      loaded.issues().forEach(i -> System.out.println("  " + i));
      System.exit(2);
    }
    System.out.printf(
        "Policy %s: %d entitlements from %d files (version %s)%n%n",
        policies,
        loaded.policy().entitlements().size(),
        loaded.files(),
        loaded.hash().substring(0, 12));
    List<PolicyTestRunner.CaseResult> results =
        new PolicyTestRunner(loaded.policy()).runDirectory(tests);
    System.out.print(PolicyTestRunner.table(results));
    System.exit(results.stream().allMatch(PolicyTestRunner.CaseResult::passed) ? 0 : 1);
  }
}
