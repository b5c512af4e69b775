package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Windows' label probabilities combined by each rule, on hand-set logits. */
class LabelAggregatorTest {
  private static final List<String> YES_NO = List.of("no", "yes");

  /** Logits whose softmax gives P(yes) = p for two labels: log-odds on "yes", 0 on "no". */
  private static float[] yes(double p) {
    return new float[] {0f, (float) Math.log(p / (1 - p))};
  }

  private static LabelAggregator.Decision decide(Aggregate aggregate, String positive, double threshold, double... pYes) {
    LabelAggregator aggregator = new LabelAggregator(YES_NO, aggregate, positive, threshold);
    // Windows arrive in batch order, not document order: add them backwards.
    for (int w = pYes.length - 1; w >= 0; w--) {
      aggregator.add(w, yes(pYes[w]), 0);
    }
    return aggregator.decide();
  }

  @Test
  void aOneWindowDocumentIsThatWindowWhateverTheRule() {
    for (Aggregate rule : Aggregate.values()) {
      LabelAggregator.Decision d = decide(rule, null, 0, 0.8);
      assertThat(d.label()).isEqualTo("yes");
      assertThat(d.score()).isCloseTo(0.8, within(1e-6));
      assertThat(d.probabilities().get("no")).isCloseTo(0.2, within(1e-6));
      assertThat(d.windows()).isEqualTo(1);
      assertThat(d.evidenceWindow()).isZero();
    }
  }

  @Test
  void aLongDocumentByEachRule() {
    // Ten windows: the clause in window 6 only.
    double[] pYes = {0.1, 0.1, 0.2, 0.1, 0.1, 0.1, 0.95, 0.1, 0.3, 0.1};
    LabelAggregator.Decision mean = decide(Aggregate.MEAN, null, 0, pYes);
    assertThat(mean.label()).isEqualTo("no");
    assertThat(mean.probabilities().get("yes")).isCloseTo(0.215, within(1e-6));
    assertThat(mean.score()).isCloseTo(0.785, within(1e-6));
    // The window where "no" is most probable, the first of the windows at 0.9.
    assertThat(mean.evidenceWindow()).isEqualTo(0);

    LabelAggregator.Decision max = decide(Aggregate.MAX, null, 0, pYes);
    // max yes 0.95, max no 0.9: renormalised 0.95 / 1.85.
    assertThat(max.label()).isEqualTo("yes");
    assertThat(max.score()).isCloseTo(0.95 / 1.85, within(1e-6));
    assertThat(max.probabilities().get("no")).isCloseTo(0.9 / 1.85, within(1e-6));
    assertThat(max.evidenceWindow()).isEqualTo(6);

    LabelAggregator.Decision first = decide(Aggregate.FIRST, null, 0, pYes);
    assertThat(first.label()).isEqualTo("no");
    assertThat(first.score()).isCloseTo(0.9, within(1e-6));
    assertThat(first.evidenceWindow()).isZero();
    assertThat(first.windows()).isEqualTo(10);
  }

  @Test
  void aThresholdOnThePositiveLabelDecides() {
    double[] pYes = {0.3, 0.4, 0.35};
    // Mean P(yes) = 0.35: below 0.5 it is "no", at a threshold of 0.3 it is "yes".
    assertThat(decide(Aggregate.MEAN, "yes", 0.5, pYes).label()).isEqualTo("no");
    LabelAggregator.Decision low = decide(Aggregate.MEAN, "yes", 0.3, pYes);
    assertThat(low.label()).isEqualTo("yes");
    assertThat(low.score()).isCloseTo(0.35, within(1e-6));
    assertThat(low.evidenceWindow()).isEqualTo(1);
    // Exactly at the threshold counts as reached.
    assertThat(decide(Aggregate.FIRST, "yes", 0.3, pYes).label()).isEqualTo("yes");
  }

  @Test
  void threeLabelsAndTheOtherLabelsBelowAThreshold() {
    List<String> nli = List.of("entailment", "neutral", "contradiction");
    LabelAggregator aggregator = new LabelAggregator(nli, Aggregate.MEAN, "entailment", 0.6);
    aggregator.add(0, new float[] {1f, 0f, 2f}, 0);
    aggregator.add(1, new float[] {9f, 9f, 3f, 0f}, 1);
    LabelAggregator.Decision d = aggregator.decide();
    // Window 0: softmax(1, 0, 2); window 1: softmax(9, 3, 0).
    double[] w0 = LabelAggregator.softmax(new float[] {1f, 0f, 2f}, 0, 3);
    double[] w1 = LabelAggregator.softmax(new float[] {9f, 3f, 0f}, 0, 3);
    assertThat(d.probabilities().get("entailment")).isCloseTo((w0[0] + w1[0]) / 2, within(1e-9));
    assertThat(d.probabilities().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
    // Entailment's mean is about 0.61: reached.
    assertThat(d.label()).isEqualTo("entailment");
    assertThat(d.evidenceWindow()).isEqualTo(1);
    LabelAggregator strict = new LabelAggregator(nli, Aggregate.MEAN, "entailment", 0.7);
    strict.add(0, new float[] {1f, 0f, 2f}, 0);
    strict.add(1, new float[] {9f, 3f, 0f}, 0);
    // Below the threshold: the most probable of the others, contradiction.
    assertThat(strict.decide().label()).isEqualTo("contradiction");
    assertThat(strict.decide().evidenceWindow()).isEqualTo(0);
  }

  @Test
  void noWindowsNoDecisionAndAnUnknownPositiveLabelIsRefused() {
    assertThat(new LabelAggregator(YES_NO, Aggregate.MEAN, null, 0).decide()).isNull();
    assertThatThrownBy(() -> new LabelAggregator(YES_NO, Aggregate.MEAN, "true", 0.5))
        .hasMessageContaining("positive_label 'true' is not one of the model's labels [no, yes]");
  }
}
