package org.corpusqa.job;

import java.util.Map;
import org.corpusqa.eval.EvalFormat;

/** What an evaluation measured, as written to metrics.json. */
public record EvaluationResult(
    String runId, String modelName, EvalFormat format, int questions, Map<String, Object> metrics) {}
