package org.corpusqa.qa;

/**
 * Runs a sequence-classification model on a batch of windows. One instance serves one thread (one
 * Spark task).
 */
public interface ClassifierPass extends AutoCloseable {
  /** The logits of each window, row after row: {@code rows x labels} values. */
  float[] forward(WindowBatch batch);

  @Override
  void close();
}
