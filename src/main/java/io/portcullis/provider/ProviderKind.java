package io.portcullis.provider;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A provider kind as policy names it ({@code provider: {kind: …, <parameters>}}) and how its
 * parameters read into the provider's typed record. Policy load reads every entitlement's
 * parameters with it, so a wrong one is refused with its file and line before anyone asks for
 * access; the provider reads them with it again at issue (policy may have been approved under an
 * older build).
 *
 * <p>A reader checks only what policy alone decides (shapes, names, ranges). What depends on the
 * deployment (is that database configured? does that role exist?) is checked at issue.
 *
 * @param name the kind, e.g. {@code vault-secret}
 * @param reader reads the parameters, throwing {@link InvalidParamException} for a wrong one
 * @param <P> the provider's parameter record
 */
public record ProviderKind<P>(String name, Reader<P> reader) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  /** Reads parameters into {@code P}. */
  @FunctionalInterface
  public interface Reader<P> {
    P read(ParamReader params) throws InvalidParamException;
  }

  public ProviderKind {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reader, "reader");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a provider kind name: " + name);
    }
  }

  /** The typed parameters of an entitlement of this kind. */
  public P params(Map<String, Object> params) throws InvalidParamException {
    return reader.read(new ParamReader(name, params));
  }
}
