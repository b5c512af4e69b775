package org.corpusqa.bench;

import org.corpusqa.qa.BatchLogits;
import org.corpusqa.qa.ForwardPass;
import org.corpusqa.qa.WindowBatch;

/**
 * A forward pass that costs nothing: every row gets the same fixed start and end logits, which vary
 * with the position so that decoding does its full work and picks real spans. {@code bench --forward
 * none} runs the engine on it to measure the host side alone (what a GPU would wait for).
 */
final class FixedLogits implements ForwardPass {
  private static final int LONGEST = 4096;
  /** A classification model's labels; 0 for a question-answering model. */
  private final int labels;

  /** @param labels a classification model's label count; 0 for start and end logits */
  FixedLogits(int labels) {
    this.labels = labels;
  }
  private static final float[] START = pattern(0.7, 0.0);
  private static final float[] END = pattern(1.3, 0.5);

  private static float[] pattern(double frequency, double phase) {
    float[] logits = new float[LONGEST];
    for (int i = 0; i < LONGEST; i++) {
      logits[i] = (float) (3 * Math.sin(i * frequency + phase) + Math.cos(i * 0.05));
    }
    return logits;
  }

  @Override
  public BatchLogits forward(WindowBatch batch) {
    int length = batch.paddedLength();
    if (length > LONGEST) {
      throw new IllegalArgumentException("no fixed logits for windows over " + LONGEST + " tokens");
    }
    if (labels > 0) {
      float[] logits = new float[batch.rows() * labels];
      for (int i = 0; i < logits.length; i++) {
        logits[i] = START[i % labels];
      }
      return BatchLogits.ofLabels(logits);
    }
    // A model's output is a fresh array per batch too: the copies stand for that, not for compute.
    float[] start = new float[batch.rows() * length];
    float[] end = new float[batch.rows() * length];
    for (int row = 0; row < batch.rows(); row++) {
      System.arraycopy(START, 0, start, row * length, length);
      System.arraycopy(END, 0, end, row * length, length);
    }
    return new BatchLogits(start, end);
  }

  @Override
  public void close() {}
}
