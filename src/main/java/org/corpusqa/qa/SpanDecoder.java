package org.corpusqa.qa;

/**
 * Decodes one window's start and end logits as the Hugging Face question-answering pipeline does:
 * every token outside the context is masked except the first (the CLS position, which carries the
 * no-answer score), start and end logits go through a softmax each, a span scores
 * {@code p_start * p_end} and is valid when it lies in the context and is at most
 * {@code max_answer_len} tokens long. The {@code top_k} best spans are kept, ties going to the
 * earlier span as {@code argmax} does.
 */
final class SpanDecoder {
  /** The position whose start and end probabilities give the no-answer score. */
  static final int NULL_POSITION = 0;

  private SpanDecoder() {}

  /**
   * @param start start logits of a batch, row-major
   * @param end end logits of a batch, row-major
   * @param rowOffset index in the arrays of this window's first token
   * @param contextStart position of the first context token in the window
   * @param contextLength number of context tokens in the window
   */
  static WindowDecoding decode(
      float[] start,
      float[] end,
      int rowOffset,
      int contextStart,
      int contextLength,
      int maxAnswerLen,
      int topK) {
    double[] pStart = softmax(start, rowOffset, contextStart, contextLength);
    double[] pEnd = softmax(end, rowOffset, contextStart, contextLength);
    // Index 0 of pStart / pEnd is the null position, index 1 + i is context token i.
    double nullScore = pStart[0] * pEnd[0];

    int[] bestStart = new int[topK];
    int[] bestEnd = new int[topK];
    double[] bestScore = new double[topK];
    int kept = 0;
    for (int s = 0; s < contextLength; s++) {
      double ps = pStart[1 + s];
      int lastEnd = Math.min(contextLength, s + maxAnswerLen);
      for (int e = s; e < lastEnd; e++) {
        double score = ps * pEnd[1 + e];
        if (kept == topK && score <= bestScore[kept - 1]) {
          continue;
        }
        // Insert after every kept span with a score at least as high: earlier spans win ties.
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
    return new WindowDecoding(
        nullScore,
        java.util.Arrays.copyOf(bestStart, kept),
        java.util.Arrays.copyOf(bestEnd, kept),
        java.util.Arrays.copyOf(bestScore, kept));
  }

  /**
   * Softmax over the null position and the context tokens; the masked positions would get
   * {@code exp(-10000 - max)}, which is 0 in floating point, so leaving them out is exact.
   */
  private static double[] softmax(float[] logits, int rowOffset, int contextStart, int contextLength) {
    double[] p = new double[contextLength + 1];
    p[0] = logits[rowOffset + NULL_POSITION];
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
