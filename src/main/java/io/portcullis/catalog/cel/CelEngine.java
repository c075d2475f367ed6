package io.portcullis.catalog.cel;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableMap;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Optional;

/**
 * Compiles policy expressions with typed variables and bounded cost. Thread-safe.
 *
 * <p>Variables: {@code requester} and {@code reviewer} ({@code subject}, {@code email} — only when
 * the identity provider verified it, else empty —, {@code name}, {@code groups}, {@code acr},
 * {@code amr}, {@code claims} — the token claims on the {@code portcullis.identity.cel-claims}
 * allow-list), {@code request} ({@code entitlements}, {@code entitlement}, {@code duration}, {@code
 * start}, {@code justification}, {@code ticket}, {@code breakGlass}), {@code entitlement} ({@code
 * id}, {@code environment}, {@code system}, {@code risk}, {@code labels}, {@code attributes}) and
 * {@code now} (a timestamp; use {@code now.getHours('Asia/Kolkata')} for local time).
 */
public final class CelEngine {

  /** Loop iterations allowed in one evaluation, over all comprehensions together. */
  public static final int MAX_ITERATIONS = 10_000;

  static final StructType PERSON =
      struct(
          "portcullis.Person",
          ImmutableMap.<String, CelType>builder()
              .put("subject", SimpleType.STRING)
              .put("email", SimpleType.STRING)
              .put("name", SimpleType.STRING)
              .put("groups", ListType.create(SimpleType.STRING))
              .put("acr", SimpleType.STRING)
              .put("amr", ListType.create(SimpleType.STRING))
              .put("claims", MapType.create(SimpleType.STRING, SimpleType.DYN))
              .buildOrThrow());
  static final StructType REQUEST =
      struct(
          "portcullis.Request",
          ImmutableMap.<String, CelType>builder()
              .put("entitlements", ListType.create(SimpleType.STRING))
              .put("entitlement", SimpleType.STRING)
              .put("duration", SimpleType.DURATION)
              .put("start", SimpleType.TIMESTAMP)
              .put("justification", SimpleType.STRING)
              .put("ticket", SimpleType.STRING)
              .put("breakGlass", SimpleType.BOOL)
              .buildOrThrow());
  static final StructType ENTITLEMENT =
      struct(
          "portcullis.Entitlement",
          ImmutableMap.<String, CelType>builder()
              .put("id", SimpleType.STRING)
              .put("environment", SimpleType.STRING)
              .put("system", SimpleType.STRING)
              .put("risk", SimpleType.STRING)
              .put("labels", MapType.create(SimpleType.STRING, SimpleType.STRING))
              .put("attributes", MapType.create(SimpleType.STRING, SimpleType.DYN))
              .buildOrThrow());

  private static final CelTypeProvider TYPES =
      new CelTypeProvider() {
        private final ImmutableMap<String, CelType> byName =
            ImmutableMap.of(
                PERSON.name(), PERSON, REQUEST.name(), REQUEST, ENTITLEMENT.name(), ENTITLEMENT);

        @Override
        public ImmutableCollection<CelType> types() {
          return byName.values();
        }

        @Override
        public Optional<CelType> findType(String typeName) {
          return Optional.ofNullable(byName.get(typeName));
        }
      };

  private static final CelOptions OPTIONS =
      CelOptions.current()
          .maxExpressionCodePointSize(4_000)
          .maxParseRecursionDepth(48)
          .maxParseErrorRecoveryLimit(4)
          .maxParseExpressionNodeCount(2_000)
          .comprehensionMaxIterations(MAX_ITERATIONS)
          .maxRegexProgramSize(2_000)
          .build();

  private final CelCompiler requestCompiler;
  private final CelCompiler reviewerCompiler;
  private final CelRuntime runtime;

  public CelEngine() {
    requestCompiler = compiler(false);
    reviewerCompiler = compiler(true);
    runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();
  }

  private static CelCompiler compiler(boolean withReviewer) {
    var b =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(TYPES)
            .addVar("requester", PERSON)
            .addVar("request", REQUEST)
            .addVar("entitlement", ENTITLEMENT)
            .addVar("now", SimpleType.TIMESTAMP)
            .setResultType(SimpleType.BOOL);
    if (withReviewer) {
      b.addVar("reviewer", PERSON);
    }
    return b.build();
  }

  private static StructType struct(String name, ImmutableMap<String, CelType> fields) {
    return StructType.create(name, fields.keySet(), f -> Optional.ofNullable(fields.get(f)));
  }

  /**
   * A compile outcome: the program, or an error with its position in the expression.
   *
   * @param error null on success
   */
  public record Compiled(CompiledCel cel, String error, String hint) {}

  /** Most compiled expressions kept for reuse across policy reloads. */
  static final int CACHE_LIMIT = 50_000;

  private final java.util.concurrent.ConcurrentHashMap<String, Compiled> cache =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Compiles {@code source} for {@code scope}. Results are cached by scope and text, so a reload
   * compiles only the expressions that changed.
   */
  public Compiled compile(String source, CelScope scope) {
    String key = scope.name() + '\u0000' + source;
    Compiled hit = cache.get(key);
    if (hit != null) {
      return hit;
    }
    Compiled compiled = compileUncached(source, scope);
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(key, compiled);
    return compiled;
  }

  private Compiled compileUncached(String source, CelScope scope) {
    CelCompiler compiler = scope == CelScope.REVIEWER ? reviewerCompiler : requestCompiler;
    CelValidationResult result = compiler.compile(source);
    if (result.hasError()) {
      CelIssue first = result.getErrors().get(0);
      int line = first.getSourceLocation().getLine();
      int column = first.getSourceLocation().getColumn() + 1;
      String where = line > 0 ? "at expression line " + line + ", column " + column + ": " : "";
      String message = first.getMessage();
      if (message.length() > 240) {
        message = message.substring(0, 240) + "…";
      }
      String hint =
          message.contains("undeclared reference")
              ? "variables are requester, request, entitlement, now"
                  + (scope == CelScope.REVIEWER ? " and reviewer" : "")
              : message.contains("undefined field")
                  ? "see policies/README.md for the fields of each variable"
                  : null;
      return new Compiled(null, where + message, hint);
    }
    try {
      return new Compiled(new CompiledCel(runtime.createProgram(result.getAst())), null, null);
    } catch (dev.cel.common.CelValidationException | CelEvaluationException e) {
      return new Compiled(null, e.getMessage(), null);
    }
  }
}
