package org.corpusqa.cli;

import org.corpusqa.config.ConfigException;
import org.corpusqa.qa.EngineOptions;
import picocli.CommandLine.Option;

/** How the engine batches windows, for every command that runs the model. */
final class BatchingOptions {
  @Option(names = "--max-batch-tokens", defaultValue = "" + EngineOptions.DEFAULT_MAX_BATCH_TOKENS,
      description = "Cap on rows x padded length of a model batch (default: ${DEFAULT-VALUE}).")
  int maxBatchTokens;

  EngineOptions engineOptions() {
    try {
      return new EngineOptions(maxBatchTokens, EngineOptions.DEFAULTS.maxBatchRows(),
          EngineOptions.DEFAULTS.lookaheadWindows());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage() + "; check --max-batch-tokens");
    }
  }
}
