package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LongestFirstTest {
  private static long[] loads(long[] weights, int[] binOf, int bins) {
    long[] load = new long[bins];
    for (int i = 0; i < weights.length; i++) {
      load[binOf[i]] += weights[i];
    }
    return load;
  }

  /** Three long contracts among short ones: a hash can stack the long ones, longest-first spreads them. */
  @Test
  void spreadsTheLongItemsAndEvensTheRest() {
    long[] weights = {10, 900, 12, 11, 850, 9, 13, 800, 10, 10, 12, 11};
    int[] binOf = LongestFirst.assign(weights, 2);
    long[] load = loads(weights, binOf, 2);
    assertThat(load[0] + load[1]).isEqualTo(Arrays.stream(weights).sum());
    // Longest first gives 900 | 850 + 800 as the long ones go, then the short ones fill the first bin.
    assertThat(Math.abs(load[0] - load[1])).isLessThanOrEqualTo(900 - 2 * 13 + 13);
    assertThat(binOf[1]).isNotEqualTo(binOf[4]);
  }

  /** Graham's bound: no bin exceeds the mean by more than the heaviest item. */
  @Test
  void noBinExceedsTheMeanByMoreThanTheHeaviestItem() {
    java.util.Random random = new java.util.Random(7);
    for (int trial = 0; trial < 50; trial++) {
      int bins = 1 + random.nextInt(8);
      long[] weights = random.longs(1 + random.nextInt(300), 1, 5000).toArray();
      long[] load = loads(weights, LongestFirst.assign(weights, bins), bins);
      double mean = Arrays.stream(weights).sum() / (double) bins;
      long heaviest = Arrays.stream(weights).max().orElseThrow();
      assertThat(Arrays.stream(load).max().orElseThrow()).isLessThanOrEqualTo((long) Math.ceil(mean) + heaviest);
    }
  }

  @Test
  void sameInputSamePlacement() {
    long[] weights = {5, 5, 5, 5, 3, 3};
    assertThat(LongestFirst.assign(weights, 3)).containsExactly(0, 1, 2, 0, 1, 2);
    assertThat(LongestFirst.assign(new long[0], 4)).isEmpty();
    assertThatThrownBy(() -> LongestFirst.assign(weights, 0)).hasMessageContaining("at least 1");
  }
}
