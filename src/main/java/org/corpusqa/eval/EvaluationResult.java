package org.corpusqa.eval;

import java.util.Map;

/** What an evaluation measured, as written to metrics.json. */
public record EvaluationResult(
    String runId, String modelName, EvalFormat format, int questions, Map<String, Object> metrics) {}
