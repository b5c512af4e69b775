package org.corpusqa.qa;

/** Inputs laid out by hand from a tokenizer's templates, to check the engine's own windows against. */
final class HandLaidWindows {
  private HandLaidWindows() {}

  /** A text alone: ids and token types of the single template around {@code tokens[from, to)}. */
  static long[][] single(SingleTemplate t, int[] tokens, int from, int to) {
    int length = t.prefixIds().length + (to - from) + t.suffixIds().length;
    long[] ids = new long[length];
    long[] types = new long[length];
    int at = 0;
    for (int i = 0; i < t.prefixIds().length; i++, at++) {
      ids[at] = t.prefixIds()[i];
      types[at] = t.prefixTypes()[i];
    }
    for (int i = from; i < to; i++, at++) {
      ids[at] = tokens[i];
      types[at] = t.textType();
    }
    for (int i = 0; i < t.suffixIds().length; i++, at++) {
      ids[at] = t.suffixIds()[i];
      types[at] = t.suffixTypes()[i];
    }
    return new long[][] {ids, types};
  }
}
