package org.corpusqa.cli;

import org.corpusqa.config.ConfigException;
import org.corpusqa.qa.EngineOptions;
import picocli.CommandLine.Option;

/** How the engine batches windows, for every command that runs the model. */
final class BatchingOptions {
  @Option(names = "--max-batch-tokens", defaultValue = "auto",
      description = "Cap on rows x padded length of a model batch; auto: " + EngineOptions.DEFAULT_MAX_BATCH_TOKENS
          + " on the CPU, " + EngineOptions.DEFAULT_GPU_MAX_BATCH_TOKENS + " on a GPU (default: ${DEFAULT-VALUE}).")
  String maxBatchTokens;

  @Option(names = "--overlap", defaultValue = "auto",
      description = "Run the model on a thread of its own while the task tokenizes and decodes: auto (on"
          + " for a GPU, off on the CPU), on or off (default: ${DEFAULT-VALUE}).")
  String overlap;

  @Option(names = "--tokenizer-threads", defaultValue = "auto",
      description = "Threads that tokenize the next documents while the task batches and decodes: auto (on a"
          + " GPU the task's cores but one, on the CPU none: the task's thread tokenizes) or a number, 0 for"
          + " none (default: ${DEFAULT-VALUE}).")
  String tokenizerThreads;

  EngineOptions engineOptions() {
    int tokens;
    if ("auto".equals(maxBatchTokens)) {
      tokens = EngineOptions.AUTO_TOKENS;
    } else {
      try {
        tokens = Integer.parseInt(maxBatchTokens);
      } catch (NumberFormatException e) {
        tokens = -1;
      }
      if (tokens < 1) {
        throw new ConfigException(
            "Cannot batch: --max-batch-tokens must be a positive number or auto, got: " + maxBatchTokens);
      }
    }
    EngineOptions.Overlap mode = switch (overlap) {
      case "auto" -> EngineOptions.Overlap.AUTO;
      case "on" -> EngineOptions.Overlap.ON;
      case "off" -> EngineOptions.Overlap.OFF;
      default -> throw new ConfigException("Cannot batch: --overlap must be auto, on or off, got: " + overlap);
    };
    int threads;
    if ("auto".equals(tokenizerThreads)) {
      threads = EngineOptions.AUTO_THREADS;
    } else {
      try {
        threads = Integer.parseInt(tokenizerThreads);
      } catch (NumberFormatException e) {
        threads = -1;
      }
      if (threads < 0) {
        throw new ConfigException(
            "Cannot batch: --tokenizer-threads must be 0 or more, or auto, got: " + tokenizerThreads);
      }
    }
    return new EngineOptions(tokens, EngineOptions.DEFAULTS.maxBatchRows(), EngineOptions.DEFAULTS.lookaheadWindows(),
        mode, threads);
  }
}
