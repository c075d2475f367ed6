package io.portcullis.catalog.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** policies/schema.json, which editors use, names exactly the keys the loader accepts. */
class SchemaConsistencyTest {

  static final JsonNode SCHEMA;

  static {
    try {
      SCHEMA = new ObjectMapper().readTree(Path.of("policies/schema.json").toFile());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Set<String> keys(JsonNode properties) {
    Set<String> out = new HashSet<>();
    properties.fieldNames().forEachRemaining(out::add);
    return out;
  }

  static JsonNode def(String name) {
    return SCHEMA.get("definitions").get(name);
  }

  @Test
  void keysMatchTheLoader() {
    assertThat(keys(SCHEMA.get("properties"))).isEqualTo(PolicyParser.ROOT_KEYS);
    assertThat(keys(def("settings").get("properties"))).isEqualTo(PolicyParser.SETTING_KEYS);
    assertThat(keys(def("settingProperties"))).isEqualTo(PolicyParser.SETTING_KEYS);
    assertThat(keys(def("entitlement").get("properties"))).isEqualTo(PolicyParser.ENTITLEMENT_KEYS);
    assertThat(keys(def("environment").get("properties"))).isEqualTo(PolicyParser.ENVIRONMENT_KEYS);
    assertThat(keys(def("system").get("properties"))).isEqualTo(PolicyParser.SYSTEM_KEYS);
    assertThat(keys(def("principals").get("properties"))).isEqualTo(PolicyParser.PRINCIPAL_KEYS);
    assertThat(keys(def("stage").get("properties"))).isEqualTo(ApprovalReader.STAGE_KEYS);
    assertThat(keys(def("stage").get("properties").get("escalate").get("properties")))
        .isEqualTo(ApprovalReader.ESCALATE_KEYS);
    JsonNode review = def("accessReview").get("properties");
    assertThat(keys(review)).isEqualTo(AccessReviewsReader.CAMPAIGN_KEYS);
    assertThat(keys(review.get("scope").get("properties")))
        .isEqualTo(AccessReviewsReader.SCOPE_KEYS);
    assertThat(keys(review.get("reviewers").get("properties")))
        .isEqualTo(AccessReviewsReader.REVIEWER_KEYS);
    assertThat(keys(review.get("secondStage").get("properties")))
        .isEqualTo(AccessReviewsReader.STAGE_KEYS);
    assertThat(keys(review.get("recommend").get("properties")))
        .isEqualTo(AccessReviewsReader.RECOMMEND_KEYS);
    assertThat(keys(def("people").get("properties"))).isEqualTo(AccessReviewsReader.PEOPLE_KEYS);
    Set<String> kinds = new HashSet<>();
    def("entitlement")
        .get("properties")
        .get("provider")
        .get("properties")
        .get("kind")
        .get("enum")
        .forEach(k -> kinds.add(k.asText()));
    assertThat(kinds).isEqualTo(io.portcullis.provider.builtin.BuiltInKinds.ALL.names());
  }
}
