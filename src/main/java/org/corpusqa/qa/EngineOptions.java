package org.corpusqa.qa;

import java.io.Serializable;

/**
 * How the engine batches windows.
 *
 * @param maxBatchTokens cap on rows x padded length of one batch: memory grows with tokens, not rows
 * @param maxBatchRows cap on rows of one batch
 * @param lookaheadWindows windows gathered before they are sorted by length and cut into batches;
 *     more gives less padding, fewer bounds memory (a document's windows are made as they are needed)
 */
public record EngineOptions(int maxBatchTokens, int maxBatchRows, int lookaheadWindows)
    implements Serializable {

  /**
   * 1,024 tokens suits CPUs: on 2 cores a DistilBERT-sized model alone ran 34% and 20% more windows
   * per second of 256 and 384 tokens (2% at 128) in batches of 1,024 tokens than of 4,096, whose
   * activations outgrow the caches, and about as many as in batches of 512. GPUs want larger
   * batches (see the README's GPUs paragraph).
   */
  public static final int DEFAULT_MAX_BATCH_TOKENS = 1024;

  public static final EngineOptions DEFAULTS = new EngineOptions(DEFAULT_MAX_BATCH_TOKENS, 64, 256);

  public EngineOptions {
    if (maxBatchTokens < 1 || maxBatchRows < 1 || lookaheadWindows < 1) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot batch: max_batch_tokens, max_batch_rows and lookahead_windows must be positive,"
                  + " got: %d, %d, %d",
              maxBatchTokens, maxBatchRows, lookaheadWindows));
    }
  }
}
