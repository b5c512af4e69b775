package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoder skips starts whose best possible span cannot beat the worst span it keeps; that must
 * never change what it returns. Held against the plain search over every (start, end), on logits
 * with many exact ties (coarse values), peaked and flat ones, several windows through one reused
 * decoder, and logits that are not numbers.
 */
class SpanDecoderTest {

  @Test
  void skippingStartsReturnsExactlyWhatTheFullSearchReturns() {
    Random random = new Random(7);
    SpanDecoder decoder = new SpanDecoder();
    for (int trial = 0; trial < 3000; trial++) {
      int contextStart = 1 + random.nextInt(20);
      int contextLength = random.nextInt(trial % 10 == 0 ? 5 : 400);
      int length = contextStart + contextLength + 1 + random.nextInt(3);
      int rows = 1 + random.nextInt(3);
      int row = random.nextInt(rows);
      float[] start = logits(random, rows * length, trial);
      float[] end = logits(random, rows * length, trial + 1);
      int maxAnswerLen = 1 + random.nextInt(trial % 3 == 0 ? 5 : 80);
      int topK = 1 + random.nextInt(trial % 4 == 0 ? 30 : 4);
      WindowDecoding got = decoder.decode(start, end, row * length, contextStart, contextLength, maxAnswerLen, topK);
      WindowDecoding want = fullSearch(start, end, row * length, contextStart, contextLength, maxAnswerLen, topK);
      assertThat(got.nullScore()).as("trial %d", trial).isEqualTo(want.nullScore());
      assertThat(got.starts()).as("trial %d", trial).containsExactly(want.starts());
      assertThat(got.ends()).as("trial %d", trial).containsExactly(want.ends());
      assertThat(got.scores()).as("trial %d", trial).containsExactly(want.scores());
    }
  }

  @Test
  void logitsThatAreNotNumbersDecodeAsBefore() {
    SpanDecoder decoder = new SpanDecoder();
    for (float odd : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      float[] start = {0, 1, 2, odd, 1, 0, 3, 1};
      float[] end = {0, 2, 1, 1, odd, 2, 0, 1};
      WindowDecoding got = decoder.decode(start, end, 0, 1, 6, 3, 2);
      WindowDecoding want = fullSearch(start, end, 0, 1, 6, 3, 2);
      assertThat(got.starts()).containsExactly(want.starts());
      assertThat(got.ends()).containsExactly(want.ends());
      assertThat(got.scores()).containsExactly(want.scores());
    }
  }

  /** Flat, peaked, or coarse (many exact ties) logits, by trial. */
  private static float[] logits(Random random, int n, int trial) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = switch (trial % 3) {
        case 0 -> random.nextInt(3);
        case 1 -> (float) random.nextGaussian();
        default -> random.nextInt(50) == 0 ? 8 + random.nextInt(4) : (float) random.nextGaussian() - 4;
      };
    }
    return out;
  }

  /** The search over every span, as the decoder was written before it skipped any start. */
  private static WindowDecoding fullSearch(
      float[] start, float[] end, int rowOffset, int contextStart, int contextLength, int maxAnswerLen, int topK) {
    double[] pStart = softmax(start, rowOffset, contextStart, contextLength);
    double[] pEnd = softmax(end, rowOffset, contextStart, contextLength);
    int[] bestStart = new int[topK];
    int[] bestEnd = new int[topK];
    double[] bestScore = new double[topK];
    int kept = 0;
    for (int s = 0; s < contextLength; s++) {
      for (int e = s; e < Math.min(contextLength, s + maxAnswerLen); e++) {
        double score = pStart[1 + s] * pEnd[1 + e];
        if (kept == topK && score <= bestScore[kept - 1]) {
          continue;
        }
        int at = kept == topK ? kept - 1 : kept++;
        while (at > 0 && bestScore[at - 1] < score) {
          bestScore[at] = bestScore[at - 1];
          bestStart[at] = bestStart[at - 1];
          bestEnd[at] = bestEnd[at - 1];
          at--;
        }
        bestScore[at] = score;
        bestStart[at] = contextStart + s;
        bestEnd[at] = contextStart + e;
      }
    }
    return new WindowDecoding(pStart[0] * pEnd[0], java.util.Arrays.copyOf(bestStart, kept),
        java.util.Arrays.copyOf(bestEnd, kept), java.util.Arrays.copyOf(bestScore, kept));
  }

  private static double[] softmax(float[] logits, int rowOffset, int contextStart, int contextLength) {
    double[] p = new double[contextLength + 1];
    p[0] = logits[rowOffset];
    for (int i = 0; i < contextLength; i++) {
      p[1 + i] = logits[rowOffset + contextStart + i];
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : p) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(p[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }
}
