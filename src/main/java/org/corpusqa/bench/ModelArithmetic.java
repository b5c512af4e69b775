package org.corpusqa.bench;

import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * Floating-point operations of one forward pass of a BERT-style encoder, from its weight matrices:
 * 2 x (weights of every matrix but the embedding tables) per token, plus attention's two products
 * (scores and weighted values), 4 x tokens^2 x hidden per layer. Layers are counted as the square
 * hidden x hidden matrices over 4 (query, key, value, output).
 */
public record ModelArithmetic(long matrixWeights, int hidden, int layers) {

  /** From the model's own weights, else from the reference's (the same network in fp32); may be null. */
  public static ModelArithmetic of(org.corpusqa.model.QaModel model, org.corpusqa.model.QaModel reference) {
    ModelArithmetic own = of(model.weightShapes());
    return own != null || reference == null ? own : of(reference.weightShapes());
  }

  /** Null when the model lists no weights (ONNX, quantized TorchScript). */
  static ModelArithmetic of(Map<String, Shape> weights) {
    long matrices = 0;
    int hidden = 0;
    for (Map.Entry<String, Shape> e : weights.entrySet()) {
      Shape s = e.getValue();
      if (s.dimension() == 2 && !e.getKey().contains("embedding")) {
        matrices += s.size();
        hidden = (int) s.get(1); // the QA head, last, is [2, hidden]
      }
    }
    if (matrices == 0 || hidden == 0) {
      return null;
    }
    int square = 0;
    for (Map.Entry<String, Shape> e : weights.entrySet()) {
      Shape s = e.getValue();
      if (s.dimension() == 2 && s.get(0) == hidden && s.get(1) == hidden && !e.getKey().contains("embedding")) {
        square++;
      }
    }
    return new ModelArithmetic(matrices, hidden, Math.max(1, square / 4));
  }

  double flopsPerWindow(int tokens) {
    return 2.0 * matrixWeights * tokens + 4.0 * layers * (double) tokens * tokens * hidden;
  }
}
