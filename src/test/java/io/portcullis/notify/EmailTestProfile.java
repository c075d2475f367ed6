package io.portcullis.notify;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Email on, against a real SMTP server (GreenMail), for the email channel's and the daily digest's
 * tests (one Quarkus test profile for all of them): one person with a target configured for their
 * subject ({@link #ROUTED}, as a reviewer policy names), the approvers' group with a list address.
 */
public class EmailTestProfile implements QuarkusTestProfile {

  /** A person with {@code portcullis.notify.routing.users.<subject>} set. */
  public static final String ROUTED = "digest-routed-reviewer";

  public static final String ROUTED_EMAIL = "routed-reviewer@digest.example.test";

  public static final String APPROVERS_EMAIL = "approvers@digest.example.test";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "portcullis.notify.email.enabled",
        "true",
        "portcullis.notify.public-base-url",
        "https://access.example.test",
        "portcullis.notify.routing.users." + ROUTED,
        "email:" + ROUTED_EMAIL,
        "portcullis.notify.routing.groups.approvers",
        "email:" + APPROVERS_EMAIL);
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(GreenMailResource.class));
  }
}
