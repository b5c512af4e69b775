package org.corpusqa.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EM and F1 exactly as the official SQuAD evaluation scripts compute them, quirks included, so that
 * numbers compare with published ones. Sums run in the scripts' order (file order) so that results
 * agree to the last bits.
 */
public final class SquadMetrics {
  private SquadMetrics() {}

  /**
   * evaluate-v1.1.py: {@code exact_match} and {@code f1}, in percent. A question without a
   * prediction counts in the total and scores 0; F1 is 0 when no token is shared, even when both
   * answers are empty.
   */
  public static Map<String, Object> v11(List<EvalQuestion> questions, Map<String, String> predictions) {
    double exact = 0;
    double f1 = 0;
    int total = 0;
    for (EvalQuestion q : questions) {
      total++;
      String prediction = predictions.get(q.id());
      if (prediction == null) {
        continue;
      }
      double bestExact = 0;
      double bestF1 = 0;
      for (String gold : q.answers()) {
        bestExact = Math.max(bestExact, exactMatch(gold, prediction));
        bestF1 = Math.max(bestF1, f1V11(prediction, gold));
      }
      exact += bestExact;
      f1 += bestF1;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("exact_match", 100.0 * exact / total);
    out.put("f1", 100.0 * f1 / total);
    return out;
  }

  /**
   * evaluate-v2.0.py with its no-answer probability file: {@code exact}, {@code f1}, {@code total},
   * the HasAns / NoAns splits when such questions exist, and the best thresholds of the no-answer
   * sweep when {@code naProbs} is given.
   *
   * @param naProbs no-answer probabilities in the order of the na_probs file (ties in the sweep
   *     keep that order, as Python's stable sort does), or null for none
   */
  public static Map<String, Object> v20(
      List<EvalQuestion> questions, Map<String, String> predictions, LinkedHashMap<String, Double> naProbs) {
    Map<String, Double> exactRaw = new LinkedHashMap<>();
    Map<String, Double> f1Raw = new LinkedHashMap<>();
    Map<String, Boolean> hasAnswer = new LinkedHashMap<>();
    for (EvalQuestion q : questions) {
      hasAnswer.put(q.id(), q.hasAnswer());
      List<String> golds = new ArrayList<>();
      for (String a : q.answers()) {
        if (!AnswerNormalizer.normalize(a).isEmpty()) {
          golds.add(a);
        }
      }
      if (golds.isEmpty()) {
        golds.add(""); // for unanswerable questions the only correct answer is the empty string
      }
      String prediction = predictions.get(q.id());
      if (prediction == null) {
        continue; // the script prints "Missing prediction" and leaves the question out
      }
      double bestExact = 0;
      double bestF1 = 0;
      for (String gold : golds) {
        bestExact = Math.max(bestExact, exactMatch(gold, prediction));
        bestF1 = Math.max(bestF1, f1V20(gold, prediction));
      }
      exactRaw.put(q.id(), bestExact);
      f1Raw.put(q.id(), bestF1);
    }
    Map<String, Double> probs = naProbs;
    if (probs == null) {
      LinkedHashMap<String, Double> zeros = new LinkedHashMap<>();
      predictions.keySet().forEach(k -> zeros.put(k, 0.0));
      probs = zeros;
    }
    Map<String, Double> exactThresh = applyNoAnswerThreshold(exactRaw, probs, hasAnswer, 1.0);
    Map<String, Double> f1Thresh = applyNoAnswerThreshold(f1Raw, probs, hasAnswer, 1.0);

    Map<String, Object> out = evalDict(exactThresh, f1Thresh, null);
    // The official script would stop with a KeyError on a question without a prediction here; the
    // splits count only scored questions, as the overall total does.
    List<String> hasAnswerIds = new ArrayList<>();
    List<String> noAnswerIds = new ArrayList<>();
    exactRaw.keySet().forEach(id -> (hasAnswer.get(id) ? hasAnswerIds : noAnswerIds).add(id));
    if (!hasAnswerIds.isEmpty()) {
      evalDict(exactThresh, f1Thresh, hasAnswerIds).forEach((k, v) -> out.put("HasAns_" + k, v));
    }
    if (!noAnswerIds.isEmpty()) {
      evalDict(exactThresh, f1Thresh, noAnswerIds).forEach((k, v) -> out.put("NoAns_" + k, v));
    }
    if (naProbs != null) {
      double[] bestExact = bestThreshold(predictions, exactRaw, naProbs, hasAnswer);
      double[] bestF1 = bestThreshold(predictions, f1Raw, naProbs, hasAnswer);
      out.put("best_exact", bestExact[0]);
      out.put("best_exact_thresh", bestExact[1]);
      out.put("best_f1", bestF1[0]);
      out.put("best_f1_thresh", bestF1[1]);
    }
    return out;
  }

  static double exactMatch(String gold, String prediction) {
    return AnswerNormalizer.normalize(gold).equals(AnswerNormalizer.normalize(prediction)) ? 1 : 0;
  }

  /** evaluate-v1.1.py's f1_score(prediction, ground_truth). */
  static double f1V11(String prediction, String gold) {
    List<String> predicted = AnswerNormalizer.tokens(prediction);
    List<String> golds = AnswerNormalizer.tokens(gold);
    int same = common(predicted, golds);
    if (same == 0) {
      return 0;
    }
    double precision = (double) same / predicted.size();
    double recall = (double) same / golds.size();
    return 2 * precision * recall / (precision + recall);
  }

  /** evaluate-v2.0.py's compute_f1(a_gold, a_pred): two empty answers agree. */
  static double f1V20(String gold, String prediction) {
    List<String> golds = AnswerNormalizer.tokens(gold);
    List<String> predicted = AnswerNormalizer.tokens(prediction);
    if (golds.isEmpty() || predicted.isEmpty()) {
      return golds.equals(predicted) ? 1 : 0;
    }
    int same = common(golds, predicted);
    if (same == 0) {
      return 0;
    }
    double precision = (double) same / predicted.size();
    double recall = (double) same / golds.size();
    return 2 * precision * recall / (precision + recall);
  }

  /** Size of the multiset intersection ({@code Counter(a) & Counter(b)}). */
  private static int common(List<String> a, List<String> b) {
    Map<String, Integer> counts = new HashMap<>();
    for (String t : a) {
      counts.merge(t, 1, Integer::sum);
    }
    int same = 0;
    for (String t : b) {
      Integer left = counts.get(t);
      if (left != null && left > 0) {
        counts.put(t, left - 1);
        same++;
      }
    }
    return same;
  }

  private static Map<String, Double> applyNoAnswerThreshold(
      Map<String, Double> scores, Map<String, Double> naProbs, Map<String, Boolean> hasAnswer, double threshold) {
    Map<String, Double> out = new LinkedHashMap<>();
    scores.forEach(
        (id, score) -> {
          Double p = naProbs.get(id);
          if (p == null) {
            throw new IllegalArgumentException("Cannot score question " + id + ": it has no no-answer probability");
          }
          out.put(id, p > threshold ? (hasAnswer.get(id) ? 0.0 : 1.0) : score);
        });
    return out;
  }

  private static Map<String, Object> evalDict(
      Map<String, Double> exact, Map<String, Double> f1, List<String> ids) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (ids == null) {
      int total = exact.size();
      out.put("exact", 100.0 * sum(exact.values()) / total);
      out.put("f1", 100.0 * sum(f1.values()) / total);
      out.put("total", total);
    } else {
      int total = ids.size();
      double e = 0;
      double f = 0;
      for (String id : ids) {
        e += exact.get(id);
        f += f1.get(id);
      }
      out.put("exact", 100.0 * e / total);
      out.put("f1", 100.0 * f / total);
      out.put("total", total);
    }
    return out;
  }

  private static double sum(Iterable<Double> values) {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s;
  }

  /**
   * The no-answer threshold sweep (find_best_thresh): start as if every question were answered
   * "no answer", then admit questions in order of rising no-answer probability, keeping the best.
   */
  private static double[] bestThreshold(
      Map<String, String> predictions, Map<String, Double> scores, LinkedHashMap<String, Double> naProbs,
      Map<String, Boolean> hasAnswer) {
    double noAnswers = 0;
    for (boolean has : hasAnswer.values()) {
      if (!has) {
        noAnswers++;
      }
    }
    double current = noAnswers;
    double best = current;
    double bestThreshold = 0.0;
    List<String> ids = new ArrayList<>(naProbs.keySet());
    ids.sort((a, b) -> Double.compare(naProbs.get(a), naProbs.get(b))); // stable, as Python's sorted
    for (String id : ids) {
      Double score = scores.get(id);
      if (score == null) {
        continue;
      }
      double diff;
      if (hasAnswer.get(id)) {
        diff = score;
      } else {
        diff = predictions.get(id).isEmpty() ? 0 : -1;
      }
      current += diff;
      if (current > best) {
        best = current;
        bestThreshold = naProbs.get(id);
      }
    }
    return new double[] {100.0 * best / scores.size(), bestThreshold};
  }
}
