package org.corpusqa.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.corpusqa.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scikit-learn's definitions: figures from its documentation's own examples, and agreement with an
 * independent implementation (tools/check-classification-metrics.py) on label sets of every shape,
 * empty classes included.
 */
class ClassificationMetricsTest {
  private static final Path ROOT = Paths.get("").toAbsolutePath();

  @TempDir Path tmp;

  @Test
  void matchesScikitLearnsDocumentedExamples() {
    // precision_recall_fscore_support's example: macro and weighted (0.222, 0.333, 0.267).
    Map<String, Object> m = ClassificationMetrics.of(
        List.of("cat", "dog", "pig", "cat", "dog", "pig"), List.of("cat", "pig", "dog", "cat", "cat", "dog"));
    assertThat((double) m.get("macro_precision")).isCloseTo(2.0 / 9, within(1e-12));
    assertThat((double) m.get("macro_recall")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat((double) m.get("macro_f1")).isCloseTo(4.0 / 15, within(1e-12));
    assertThat((double) m.get("weighted_f1")).isCloseTo(4.0 / 15, within(1e-12));
    assertThat((double) m.get("accuracy")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(m.get("confusion_matrix")).isEqualTo(List.of(List.of(2L, 0L, 0L), List.of(1L, 0L, 1L), List.of(0L, 2L, 0L)));
    // matthews_corrcoef's example: y_true [+1, +1, +1, -1], y_pred [+1, -1, +1, +1] gives -0.33.
    Map<String, Object> mcc = ClassificationMetrics.of(List.of("+1", "+1", "+1", "-1"), List.of("+1", "-1", "+1", "+1"));
    assertThat((double) mcc.get("matthews_corrcoef")).isCloseTo(-1.0 / 3, within(1e-12));
  }

  @Test
  void aClassNeitherPredictedNorTrueGivesZerosNotNaN() {
    // Every prediction "yes": "no" is never predicted (precision 0/0 -> 0) and MCC's denominator is 0.
    Map<String, Object> m = ClassificationMetrics.of(List.of("yes", "no", "yes"), List.of("yes", "yes", "yes"));
    @SuppressWarnings("unchecked") Map<String, Map<String, Object>> perClass =
        (Map<String, Map<String, Object>>) m.get("per_class");
    assertThat(perClass.get("no")).containsEntry("precision", 0.0).containsEntry("recall", 0.0)
        .containsEntry("f1", 0.0).containsEntry("support", 1L);
    assertThat(m.get("matthews_corrcoef")).isEqualTo(0.0);
    assertThat(ClassificationMetrics.of(List.of(), List.of())).containsEntry("accuracy", 0.0).containsEntry("total", 0);
  }

  @Test
  void agreesWithTheIndependentImplementationOnManyLabelSets() throws Exception {
    Random random = new Random(7);
    List<List<List<String>>> cases = new ArrayList<>();
    cases.add(List.of(List.of("true", "false", "true", "true"), List.of("true", "true", "false", "true")));
    // A class only the predictions use, a class only the gold labels use.
    cases.add(List.of(List.of("a", "a", "b", "b"), List.of("a", "c", "a", "b")));
    cases.add(List.of(List.of("0", "1", "1", "1"), List.of("1", "1", "1", "1")));
    cases.add(List.of(List.of("entailment", "neutral", "contradiction"), List.of("neutral", "neutral", "neutral")));
    cases.add(List.of(List.of("x", "x"), List.of("x", "x")));
    for (int labels : new int[] {2, 3, 5}) {
      List<String> gold = new ArrayList<>();
      List<String> predicted = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        String truth = "L" + random.nextInt(labels);
        gold.add(truth);
        // Right 60% of the time, otherwise any label, one more than the gold ones included.
        predicted.add(random.nextDouble() < 0.6 ? truth : "L" + random.nextInt(labels + 1));
      }
      cases.add(List.of(gold, predicted));
    }
    ObjectMapper json = new ObjectMapper();
    for (int c = 0; c < cases.size(); c++) {
      Path pairs = tmp.resolve("pairs-" + c + ".json");
      Path metrics = tmp.resolve("metrics-" + c + ".json");
      json.writeValue(pairs.toFile(), Map.of("gold", cases.get(c).get(0), "predicted", cases.get(c).get(1)));
      json.writeValue(metrics.toFile(), ClassificationMetrics.of(cases.get(c).get(0), cases.get(c).get(1)));
      Processes.Result check = Processes.run(List.of("python3", "tools/check-classification-metrics.py",
          "--pairs", pairs.toString(), "--metrics", metrics.toString()), Map.of(), ROOT, 60);
      assertThat(check.exitCode()).as("case %d: %s", c, check.all()).isZero();
      assertThat(Files.exists(metrics)).isTrue();
    }
  }
}
