package io.portcullis.provider.vault;

import io.portcullis.provider.InvalidParamException;
import io.portcullis.provider.ParamReader;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An entitlement's {@code vault-token} parameters: {@code provider: {kind: vault-token, policies:
 * [ops-read], wrap: PT5M, numUses: 10, meta: {team: payments}}}.
 *
 * @param policies the token's policies (at least one)
 * @param wrap response wrapping TTL, or null
 * @param numUses a use limit, or null
 * @param meta extra token metadata; never the keys Portcullis sets ({@link
 *     VaultTokens#RESERVED_META})
 */
public record VaultTokenParams(
    List<String> policies, Duration wrap, Long numUses, Map<String, String> meta) {

  static final Set<String> NAMES = Set.of("policies", "wrap", "numUses", "meta");

  private static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  static VaultTokenParams read(ParamReader p) throws InvalidParamException {
    p.onlyKnown(NAMES);
    List<String> policies = VaultParams.policies(p, true);
    Duration wrap = VaultParams.wrap(p);
    Long numUses =
        p.wholeNumber("numUses", 0, Long.MAX_VALUE).stream().boxed().findFirst().orElse(null);
    Map<String, String> meta = p.textMap("meta");
    for (String key : meta.keySet()) {
      if (!META_KEY.matcher(key).matches()) {
        throw p.invalid(
            "meta",
            "holds an invalid key: " + ParamReader.shown(key),
            "keys of letters, digits, '_', '.' and '-'");
      }
      if (VaultTokens.RESERVED_META.contains(key)) {
        throw p.invalid("meta", "may not set '" + key + "': Portcullis sets it", null);
      }
    }
    return new VaultTokenParams(policies, wrap, numUses, Collections.unmodifiableMap(meta));
  }
}
