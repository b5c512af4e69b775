package org.corpusqa.qa;

import java.io.Serializable;

/**
 * How the engine batches windows and whether it prepares batches while the model runs.
 *
 * @param maxBatchTokens cap on rows x padded length of one batch: memory grows with tokens, not
 *     rows; {@link #AUTO_TOKENS} picks it from the device ({@link #forDevice})
 * @param maxBatchRows cap on rows of one batch
 * @param lookaheadWindows windows gathered before they are sorted by length and cut into batches;
 *     more gives less padding, fewer bounds memory (a document's windows are made as they are needed)
 * @param overlap whether the model runs on a thread of its own while the task's thread tokenizes,
 *     batches and decodes
 * @param tokenizerThreads threads that tokenize the next documents while the task's thread cuts,
 *     batches and decodes; 0 tokenizes on the task's thread; {@link #AUTO_THREADS} picks from the
 *     device and the task's cores ({@link #forDevice})
 */
public record EngineOptions(
    int maxBatchTokens, int maxBatchRows, int lookaheadWindows, Overlap overlap, int tokenizerThreads)
    implements Serializable {

  /**
   * 1,024 tokens suits CPUs: on 2 cores a DistilBERT-sized model alone ran 34% and 20% more windows
   * per second of 256 and 384 tokens (2% at 128) in batches of 1,024 tokens than of 4,096, whose
   * activations outgrow the caches, and about as many as in batches of 512.
   */
  public static final int DEFAULT_MAX_BATCH_TOKENS = 1024;

  /**
   * 32 windows of 384 tokens: on an H200 DistilBERT-base (fp16, SDPA) ran 9,887 windows/s in
   * batches of 32, 95% of its peak (10,412 at 256), against 5,888 at 8 and 8,695 at 16 (README,
   * GPUs). Larger batches gain 4.7% (64) to 5.3% (256) and hold two to eight times the activations.
   */
  public static final int DEFAULT_GPU_MAX_BATCH_TOKENS = 32 * 384;

  /** {@code maxBatchTokens} to be picked from the device: {@link #forDevice}. */
  public static final int AUTO_TOKENS = 0;

  /** {@code tokenizerThreads} to be picked from the device and the task's cores: {@link #forDevice}. */
  public static final int AUTO_THREADS = -1;

  /** Whether forward passes run on a thread of their own. */
  public enum Overlap {
    /** On for a GPU, whose forward pass leaves the task's cores idle; off for the CPU (README, GPUs). */
    AUTO,
    ON,
    OFF
  }

  public static final EngineOptions DEFAULTS = new EngineOptions(AUTO_TOKENS, 64, 256, Overlap.AUTO, AUTO_THREADS);

  public EngineOptions {
    if (tokenizerThreads < AUTO_THREADS) {
      throw new IllegalArgumentException("Cannot batch: tokenizer threads must be 0 or more, got: " + tokenizerThreads);
    }
    if (maxBatchTokens < 0 || maxBatchRows < 1 || lookaheadWindows < 1) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot batch: max_batch_tokens, max_batch_rows and lookahead_windows must be positive,"
                  + " got: %d, %d, %d",
              maxBatchTokens, maxBatchRows, lookaheadWindows));
    }
    if (overlap == null) {
      throw new IllegalArgumentException("Cannot batch: overlap must be auto, on or off");
    }
  }

  /** Fixed batching, everything on the task's thread: what tests and the model-alone measurements use. */
  public EngineOptions(int maxBatchTokens, int maxBatchRows, int lookaheadWindows) {
    this(maxBatchTokens, maxBatchRows, lookaheadWindows, Overlap.OFF, 0);
  }

  /**
   * These options with every automatic choice made for a GPU ({@code gpu}) or the CPU, for a task
   * of {@code taskCpus} cores. On a GPU the task's other cores tokenize (the forward thread mostly
   * waits for the device); on the CPU the model's own threads use them, so tokenizing stays inline.
   */
  public EngineOptions forDevice(boolean gpu, int taskCpus) {
    int tokens = maxBatchTokens != AUTO_TOKENS ? maxBatchTokens
        : gpu ? DEFAULT_GPU_MAX_BATCH_TOKENS : DEFAULT_MAX_BATCH_TOKENS;
    Overlap resolved = overlap != Overlap.AUTO ? overlap : gpu ? Overlap.ON : Overlap.OFF;
    int threads = tokenizerThreads != AUTO_THREADS ? tokenizerThreads : gpu ? Math.max(0, taskCpus - 1) : 0;
    return new EngineOptions(tokens, maxBatchRows, lookaheadWindows, resolved, threads);
  }

  /** {@link #forDevice(boolean, int)} for a task of one core. */
  public EngineOptions forDevice(boolean gpu) {
    return forDevice(gpu, 1);
  }

  public EngineOptions withOverlap(Overlap overlap) {
    return new EngineOptions(maxBatchTokens, maxBatchRows, lookaheadWindows, overlap, tokenizerThreads);
  }

  public EngineOptions withTokenizerThreads(int threads) {
    return new EngineOptions(maxBatchTokens, maxBatchRows, lookaheadWindows, overlap, threads);
  }
}
