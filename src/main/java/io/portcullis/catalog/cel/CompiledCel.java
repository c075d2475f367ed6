package io.portcullis.catalog.cel;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Map;

/** A checked, ready-to-run boolean CEL program; immutable and safe to share between threads. */
public final class CompiledCel {

  private final CelRuntime.Program program;

  CompiledCel(CelRuntime.Program program) {
    this.program = program;
  }

  /** Evaluation failed: a missing value, a bad argument, or the iteration budget ran out. */
  public static final class EvaluationFailed extends Exception {
    public EvaluationFailed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Evaluates with the given variables (built by {@link CelValues}).
   *
   * @throws EvaluationFailed when the expression cannot produce a boolean
   */
  public boolean evaluate(Map<String, Object> variables) throws EvaluationFailed {
    Object result;
    try {
      result = program.eval(variables);
    } catch (CelEvaluationException e) {
      if (e.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED) {
        throw new EvaluationFailed(
            "the expression ran too long (more than "
                + CelEngine.MAX_ITERATIONS
                + " loop iterations)");
      }
      throw new EvaluationFailed(stripPrefix(e.getMessage()));
    }
    if (result instanceof Boolean b) {
      return b;
    }
    throw new EvaluationFailed("the expression did not produce true or false");
  }

  private static String stripPrefix(String message) {
    if (message == null) {
      return "evaluation failed";
    }
    int colon =
        message.indexOf(": ", message.indexOf("<input>") >= 0 ? message.indexOf("<input>") : 0);
    return colon > 0 ? message.substring(colon + 2) : message;
  }
}
