package org.corpusqa.config;

import java.nio.file.Path;
import org.corpusqa.qa.Aggregate;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.Prefilter;

/**
 * What {@code evaluate} was asked to do.
 *
 * @param settings the decoding settings every question is answered with
 * @param out directory for predictions.json, na_probs.json and metrics.json
 * @param prefilter the windows every question's model reads ({@link Prefilter#OFF}: all)
 * @param aggregate how a classification model's windows combine ({@code --format glue | yesno})
 */
public record EvaluateOptions(
    String modelUri,
    DecodingSettings settings,
    Path out,
    String table,
    EngineOptions engineOptions,
    Prefilter prefilter,
    Aggregate aggregate) {
  /** The default of {@code --aggregate}: the first window, as published GLUE and DaNetQA figures truncate inputs. */
  public static final Aggregate DEFAULT_AGGREGATE = Aggregate.FIRST;
}
