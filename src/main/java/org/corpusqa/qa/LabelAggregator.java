package org.corpusqa.qa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The label of one (document, classification query): gathers each window's logits as the model
 * returns them (in any order), turns them into probabilities, combines them by the query's {@link
 * Aggregate}, and decides the label: the most probable one, or, with a threshold on a positive
 * label, that label when its probability reaches the threshold and otherwise the most probable of
 * the others. The evidence is the window that gave the decided label its highest probability (the
 * first window for {@link Aggregate#FIRST}); ties go to the earlier window.
 */
public final class LabelAggregator {
  private final List<String> labels;
  private final Aggregate aggregate;
  private final String positiveLabel;
  private final double threshold;
  /** Window index to its probabilities; windows arrive in batch order, not document order. */
  private final Map<Integer, double[]> windows = new java.util.TreeMap<>();

  /**
   * @param positiveLabel the label a threshold applies to; null to take the most probable label
   * @param threshold the probability at which {@code positiveLabel} is decided (0 to 1); ignored
   *     without a positive label
   */
  public LabelAggregator(List<String> labels, Aggregate aggregate, String positiveLabel, double threshold) {
    if (positiveLabel != null && !labels.contains(positiveLabel)) {
      throw new IllegalArgumentException("Cannot decide labels: positive_label '" + positiveLabel
          + "' is not one of the model's labels " + labels);
    }
    if (positiveLabel != null && labels.size() < 2) {
      throw new IllegalArgumentException("Cannot decide labels: a threshold needs at least two labels, got " + labels);
    }
    this.labels = List.copyOf(labels);
    this.aggregate = aggregate;
    this.positiveLabel = positiveLabel;
    this.threshold = threshold;
  }

  /** Adds window {@code index}'s logits, {@code labels} values from {@code from} in {@code logits}. */
  public void add(int index, float[] logits, int from) {
    windows.put(index, softmax(logits, from, labels.size()));
  }

  /** The document's label from the windows added, or null when none was. */
  public Decision decide() {
    if (windows.isEmpty()) {
      return null;
    }
    int k = labels.size();
    double[] combined = new double[k];
    switch (aggregate) {
      case FIRST -> System.arraycopy(windows.values().iterator().next(), 0, combined, 0, k);
      case MEAN -> {
        for (double[] p : windows.values()) {
          for (int l = 0; l < k; l++) {
            combined[l] += p[l];
          }
        }
        for (int l = 0; l < k; l++) {
          combined[l] /= windows.size();
        }
      }
      case MAX -> {
        java.util.Arrays.fill(combined, Double.NEGATIVE_INFINITY);
        for (double[] p : windows.values()) {
          for (int l = 0; l < k; l++) {
            combined[l] = Math.max(combined[l], p[l]);
          }
        }
        double sum = 0;
        for (double v : combined) {
          sum += v;
        }
        for (int l = 0; l < k; l++) {
          combined[l] /= sum;
        }
      }
      default -> throw new IllegalStateException("unknown aggregate " + aggregate);
    }
    int chosen;
    if (positiveLabel != null) {
      int positive = labels.indexOf(positiveLabel);
      chosen = combined[positive] >= threshold ? positive : argmax(combined, positive);
    } else {
      chosen = argmax(combined, -1);
    }
    int evidence = aggregate == Aggregate.FIRST ? windows.keySet().iterator().next() : evidence(chosen);
    Map<String, Double> probabilities = new LinkedHashMap<>();
    for (int l = 0; l < k; l++) {
      probabilities.put(labels.get(l), combined[l]);
    }
    return new Decision(labels.get(chosen), combined[chosen], probabilities, windows.size(), evidence, -1, -1);
  }

  /** The window where label {@code l} is most probable; the earliest of equals. */
  private int evidence(int l) {
    int best = -1;
    double bestP = Double.NEGATIVE_INFINITY;
    for (Map.Entry<Integer, double[]> w : windows.entrySet()) {
      if (w.getValue()[l] > bestP) {
        bestP = w.getValue()[l];
        best = w.getKey();
      }
    }
    return best;
  }

  /** The most probable label other than {@code except}; the first of equals, as numpy's argmax. */
  private static int argmax(double[] values, int except) {
    int best = -1;
    for (int i = 0; i < values.length; i++) {
      if (i != except && (best < 0 || values[i] > values[best])) {
        best = i;
      }
    }
    return best;
  }

  /** Softmax in double precision, shifted by the maximum as Hugging Face's pipeline computes it. */
  static double[] softmax(float[] logits, int from, int count) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < count; i++) {
      max = Math.max(max, logits[from + i]);
    }
    double[] p = new double[count];
    double sum = 0;
    for (int i = 0; i < count; i++) {
      p[i] = Math.exp(logits[from + i] - max);
      sum += p[i];
    }
    for (int i = 0; i < count; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /**
   * A document's label.
   *
   * @param score the decided label's combined probability
   * @param probabilities every label's combined probability, in the model's label order
   * @param windows the windows combined
   * @param evidenceWindow the index of the window that gave the label its highest probability
   * @param evidenceStartChar where that window's text starts in the document (-1 until known)
   * @param evidenceEndChar where it ends, exclusive (-1 until known)
   */
  public record Decision(String label, double score, Map<String, Double> probabilities, int windows, int evidenceWindow,
      int evidenceStartChar, int evidenceEndChar) {
    Decision withEvidenceChars(int start, int end) {
      return new Decision(label, score, probabilities, windows, evidenceWindow, start, end);
    }
  }
}
