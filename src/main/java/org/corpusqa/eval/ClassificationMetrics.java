package org.corpusqa.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Classification metrics with scikit-learn's definitions, so that figures compare with published
 * GLUE, DaNetQA and BoolQ results: {@code accuracy_score}, {@code precision_recall_fscore_support}
 * with {@code zero_division=0} (per class, macro and weighted), {@code matthews_corrcoef} and {@code
 * confusion_matrix}. As scikit-learn does without {@code labels=}, the classes are those that occur
 * among the gold labels or the predictions, sorted: a class the model declares but that neither
 * side uses has no row, and one that only the predictions use counts in the macro average with
 * recall and F1 0. A question without a prediction counts as wrong, under the label {@link
 * #MISSING}.
 */
public final class ClassificationMetrics {
  /** The prediction of a question the run gave no label for. */
  public static final String MISSING = "<none>";

  private ClassificationMetrics() {}

  /**
   * @param gold each question's gold label, in the data's order
   * @param predicted each question's predicted label by id; a missing id counts as {@link #MISSING}
   */
  public static Map<String, Object> of(Map<String, String> gold, Map<String, String> predicted) {
    List<String> truths = new ArrayList<>(gold.size());
    List<String> predictions = new ArrayList<>(gold.size());
    gold.forEach((id, label) -> {
      truths.add(label);
      predictions.add(predicted.getOrDefault(id, MISSING));
    });
    return of(truths, predictions);
  }

  /** The metrics of paired gold and predicted labels. */
  public static Map<String, Object> of(List<String> truths, List<String> predictions) {
    if (truths.size() != predictions.size()) {
      throw new IllegalArgumentException("Cannot score: " + truths.size() + " gold labels but "
          + predictions.size() + " predictions");
    }
    TreeSet<String> sorted = new TreeSet<>(truths);
    sorted.addAll(predictions);
    List<String> labels = new ArrayList<>(sorted);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      index.put(labels.get(i), i);
    }
    int k = labels.size();
    long[][] confusion = new long[k][k];
    long correct = 0;
    for (int i = 0; i < truths.size(); i++) {
      int t = index.get(truths.get(i));
      int p = index.get(predictions.get(i));
      confusion[t][p]++;
      if (t == p) {
        correct++;
      }
    }
    int n = truths.size();
    long[] support = new long[k];
    long[] predictedCount = new long[k];
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        support[t] += confusion[t][p];
        predictedCount[p] += confusion[t][p];
      }
    }
    Map<String, Object> perClass = new LinkedHashMap<>();
    double macroPrecision = 0;
    double macroRecall = 0;
    double macroF1 = 0;
    double weightedPrecision = 0;
    double weightedRecall = 0;
    double weightedF1 = 0;
    for (int c = 0; c < k; c++) {
      long tp = confusion[c][c];
      long fp = predictedCount[c] - tp;
      long fn = support[c] - tp;
      double precision = ratio(tp, tp + fp);
      double recall = ratio(tp, tp + fn);
      // scikit-learn's F-score from counts: 2tp / (2tp + fp + fn), 0 when nothing was predicted or true.
      double f1 = ratio(2 * tp, 2 * tp + fp + fn);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("precision", precision);
      row.put("recall", recall);
      row.put("f1", f1);
      row.put("support", support[c]);
      perClass.put(labels.get(c), row);
      macroPrecision += precision;
      macroRecall += recall;
      macroF1 += f1;
      weightedPrecision += precision * support[c];
      weightedRecall += recall * support[c];
      weightedF1 += f1 * support[c];
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("total", n);
    out.put("accuracy", ratio(correct, n));
    out.put("macro_precision", k == 0 ? 0.0 : macroPrecision / k);
    out.put("macro_recall", k == 0 ? 0.0 : macroRecall / k);
    out.put("macro_f1", k == 0 ? 0.0 : macroF1 / k);
    out.put("weighted_precision", n == 0 ? 0.0 : weightedPrecision / n);
    out.put("weighted_recall", n == 0 ? 0.0 : weightedRecall / n);
    out.put("weighted_f1", n == 0 ? 0.0 : weightedF1 / n);
    out.put("matthews_corrcoef", matthews(confusion, support, predictedCount, correct, n));
    out.put("per_class", perClass);
    out.put("labels", labels);
    List<List<Long>> matrix = new ArrayList<>(k);
    for (long[] row : confusion) {
      List<Long> cells = new ArrayList<>(k);
      for (long cell : row) {
        cells.add(cell);
      }
      matrix.add(cells);
    }
    // Rows are gold labels, columns predictions, both in the order of "labels", as scikit-learn's.
    out.put("confusion_matrix", matrix);
    return out;
  }

  /**
   * scikit-learn's multiclass MCC (Gorodkin's R_K), which for two classes is the usual phi
   * coefficient: (c s - sum p_k t_k) / sqrt((s^2 - sum p_k^2)(s^2 - sum t_k^2)), 0 when a factor of
   * the denominator is 0 (every gold label or every prediction the same).
   */
  private static double matthews(long[][] confusion, long[] support, long[] predicted, long correct, long n) {
    double s = n;
    double c = correct;
    double pt = 0;
    double pp = 0;
    double tt = 0;
    for (int i = 0; i < support.length; i++) {
      pt += (double) predicted[i] * support[i];
      pp += (double) predicted[i] * predicted[i];
      tt += (double) support[i] * support[i];
    }
    double covYtYp = c * s - pt;
    double covYpYp = s * s - pp;
    double covYtYt = s * s - tt;
    if (covYpYp * covYtYt == 0) {
      return 0.0;
    }
    return covYtYp / Math.sqrt(covYtYt * covYpYp);
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? 0.0 : (double) numerator / denominator;
  }
}
