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
    int tokens = numberOrAuto("--max-batch-tokens", maxBatchTokens, 1, EngineOptions.AUTO_TOKENS);
    EngineOptions.Overlap mode = switch (overlap) {
      case "auto" -> EngineOptions.Overlap.AUTO;
      case "on" -> EngineOptions.Overlap.ON;
      case "off" -> EngineOptions.Overlap.OFF;
      default -> throw new ConfigException("Cannot batch: --overlap must be auto, on or off, got: " + overlap);
    };
    int threads = numberOrAuto("--tokenizer-threads", tokenizerThreads, 0, EngineOptions.AUTO_THREADS);
    return new EngineOptions(tokens, EngineOptions.DEFAULTS.maxBatchRows(), EngineOptions.DEFAULTS.lookaheadWindows(),
        mode, threads);
  }

  /** {@code auto} as {@code auto}, or a whole number of at least {@code min}. */
  private static int numberOrAuto(String option, String value, int min, int auto) {
    if ("auto".equals(value)) {
      return auto;
    }
    try {
      int number = Integer.parseInt(value);
      if (number >= min) {
        return number;
      }
    } catch (NumberFormatException e) {
      // The message below says what is accepted.
    }
    throw new ConfigException("Cannot batch: " + option + " must be " + (min == 0 ? "0 or more" : "a positive number")
        + ", or auto, got: " + value);
  }
}
