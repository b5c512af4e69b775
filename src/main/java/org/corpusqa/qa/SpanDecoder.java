package org.corpusqa.qa;

/**
 * Decodes one window's start and end logits as the Hugging Face question-answering pipeline does:
 * every token outside the context is masked except the first (the CLS position, which carries the
 * no-answer score), start and end logits go through a softmax each, a span scores
 * {@code p_start * p_end} and is valid when it lies in the context and is at most
 * {@code max_answer_len} tokens long. The {@code count} best spans are kept (the pipeline's
 * {@code 2 * top_k + 10} with {@code align_to_words}, see {@link AnswerPooling}), ties going to the
 * earlier span as {@code argmax} does.
 */
final class SpanDecoder {
  /** The position whose start and end probabilities give the no-answer score. */
  static final int NULL_POSITION = 0;

  // Reused from window to window: one decoder serves one stream (one thread).
  private double[] pStart = new double[0];
  private double[] pEnd = new double[0];
  /** For each start, the highest end probability among the ends a span from it may take. */
  private double[] bestEndFrom = new double[0];
  private int[] candidates = new int[0];

  /**
   * @param start start logits of a batch, row-major
   * @param end end logits of a batch, row-major
   * @param rowOffset index in the arrays of this window's first token
   * @param contextStart position of the first context token in the window
   * @param contextLength number of context tokens in the window
   */
  WindowDecoding decode(
      float[] start,
      float[] end,
      int rowOffset,
      int contextStart,
      int contextLength,
      int maxAnswerLen,
      int count) {
    if (pStart.length < contextLength + 1) {
      int size = Math.max(contextLength + 1, 2 * pStart.length);
      pStart = new double[size];
      pEnd = new double[size];
      bestEndFrom = new double[size];
      candidates = new int[size];
    }
    boolean finite = softmax(start, rowOffset, contextStart, contextLength, pStart)
        & softmax(end, rowOffset, contextStart, contextLength, pEnd);
    // Index 0 of pStart / pEnd is the null position, index 1 + i is context token i.
    double nullScore = pStart[0] * pEnd[0];
    if (finite) {
      slidingMax(pEnd, contextLength, maxAnswerLen);
    }

    int[] bestStart = new int[count];
    int[] bestEnd = new int[count];
    double[] bestScore = new double[count];
    int kept = 0;
    for (int s = 0; s < contextLength; s++) {
      double ps = pStart[1 + s];
      // No span from s can beat the worst kept one: ps * pe <= ps * max(pe), rounding included,
      // and a span scoring no more than the worst kept is never taken, so skipping s changes nothing.
      if (kept == count && finite && ps * bestEndFrom[s] <= bestScore[kept - 1]) {
        continue;
      }
      int lastEnd = Math.min(contextLength, s + maxAnswerLen);
      for (int e = s; e < lastEnd; e++) {
        double score = ps * pEnd[1 + e];
        if (kept == count && score <= bestScore[kept - 1]) {
          continue;
        }
        // Insert after every kept span with a score at least as high: earlier spans win ties.
        int at = kept == count ? kept - 1 : kept++;
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
    return new WindowDecoding(
        nullScore,
        java.util.Arrays.copyOf(bestStart, kept),
        java.util.Arrays.copyOf(bestEnd, kept),
        java.util.Arrays.copyOf(bestScore, kept));
  }

  /**
   * {@code bestEndFrom[s]} = the highest of {@code p[1 + e]} for e in [s, s + maxAnswerLen), clipped
   * to the context: a monotone queue of candidate ends, each pushed and popped once.
   */
  private void slidingMax(double[] p, int contextLength, int maxAnswerLen) {
    int head = 0;
    int tail = 0;
    int nextEnd = 0;
    for (int s = 0; s < contextLength; s++) {
      int lastEnd = Math.min(contextLength, s + maxAnswerLen);
      for (; nextEnd < lastEnd; nextEnd++) {
        while (tail > head && p[1 + candidates[tail - 1]] <= p[1 + nextEnd]) {
          tail--;
        }
        candidates[tail++] = nextEnd;
      }
      while (candidates[head] < s) {
        head++;
      }
      bestEndFrom[s] = p[1 + candidates[head]];
    }
  }

  /**
   * Softmax over the null position and the context tokens, into {@code p}; the masked positions
   * would get {@code exp(-10000 - max)}, which is 0 in floating point, so leaving them out is exact.
   *
   * @return whether every probability is a number (logits with NaN or infinities are decoded
   *     without the bound that skips starts)
   */
  private static boolean softmax(float[] logits, int rowOffset, int contextStart, int contextLength, double[] p) {
    int n = contextLength + 1;
    p[0] = logits[rowOffset + NULL_POSITION];
    for (int i = 0; i < contextLength; i++) {
      p[1 + i] = logits[rowOffset + contextStart + i];
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, p[i]);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      p[i] = Math.exp(p[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < n; i++) {
      p[i] /= sum;
    }
    return Double.isFinite(sum) && sum > 0;
  }
}
