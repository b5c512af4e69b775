package org.corpusqa.qa;

/**
 * What the model returned for a batch. A question-answering model: start and end logits, row-major
 * {@code [rows, paddedLength]}, {@code labels} null. A classification model: {@code labels}, row-major
 * {@code [rows, labels]}, {@code start} and {@code end} null.
 */
public record BatchLogits(float[] start, float[] end, float[] labels) {
  /** A question-answering model's logits. */
  public BatchLogits(float[] start, float[] end) {
    this(start, end, null);
  }

  /** A classification model's logits. */
  public static BatchLogits ofLabels(float[] labels) {
    return new BatchLogits(null, null, labels);
  }
}
