package org.corpusqa.job;

import java.nio.file.Path;
import org.corpusqa.eval.EvalDataset;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.EngineOptions;

/**
 * What {@code evaluate} was asked to do.
 *
 * @param dataset the labelled data, read (and checked) before Spark starts
 * @param settings the decoding settings every question is answered with
 * @param out directory for predictions.json, na_probs.json and metrics.json
 */
public record EvaluateOptions(
    EvalDataset dataset,
    String modelUri,
    DecodingSettings settings,
    Path out,
    String table,
    EngineOptions engineOptions) {}
