package org.corpusqa.qa;

/** Runs the model on a batch of windows. One instance serves one thread (one Spark task). */
public interface ForwardPass extends AutoCloseable {
  BatchLogits forward(WindowBatch batch);

  @Override
  void close();
}
