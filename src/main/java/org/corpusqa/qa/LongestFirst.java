package org.corpusqa.qa;

import java.util.Arrays;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Longest-processing-time-first placement: items in falling weight, each to the bin with the least
 * weight so far. With few items of very different sizes (a few long contracts among many short
 * ones) it keeps the bins within one item of each other, where a hash or round-robin placement can
 * put several of the long ones in one bin. Shared by the job (documents to task slots) and the bench
 * (documents to worker threads), so that both balance alike.
 */
public final class LongestFirst {
  private LongestFirst() {}

  /** The bin (0 to {@code bins} - 1) of each item; ties go to the lower bin, so the result is reproducible. */
  public static int[] assign(long[] weights, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1, got " + bins);
    }
    Integer[] heaviestFirst = new Integer[weights.length];
    for (int i = 0; i < weights.length; i++) {
      heaviestFirst[i] = i;
    }
    Arrays.sort(heaviestFirst, Comparator.comparingLong((Integer i) -> weights[i]).reversed());
    // (load, bin): the lightest bin on top, the lower bin first among equals.
    PriorityQueue<long[]> lightest =
        new PriorityQueue<>(Comparator.<long[]>comparingLong(b -> b[0]).thenComparingLong(b -> b[1]));
    for (int b = 0; b < bins; b++) {
      lightest.add(new long[] {0, b});
    }
    int[] binOf = new int[weights.length];
    for (int i : heaviestFirst) {
      long[] bin = lightest.poll();
      binOf[i] = (int) bin[1];
      bin[0] += weights[i];
      lightest.add(bin);
    }
    return binOf;
  }
}
