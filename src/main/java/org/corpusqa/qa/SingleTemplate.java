package org.corpusqa.qa;

/**
 * Where a tokenizer puts its special tokens around a text alone, e.g. BERT's {@code [CLS] t [SEP]}
 * or XLM-R's {@code <s> t </s>}, with the token type of each part: the layout of a classification
 * model's single-text windows. Read off the tokenizer itself, as {@link PairTemplate} is.
 */
public record SingleTemplate(int[] prefixIds, int[] prefixTypes, int[] suffixIds, int[] suffixTypes, int textType) {

  public int specialTokenCount() {
    return prefixIds.length + suffixIds.length;
  }

  /** The window's ids and token types: the template around {@code tokens[from, to)}. */
  public long[][] wrap(int[] tokens, int from, int to) {
    int length = prefixIds.length + (to - from) + suffixIds.length;
    long[] ids = new long[length];
    long[] types = new long[length];
    int at = 0;
    for (int i = 0; i < prefixIds.length; i++, at++) {
      ids[at] = prefixIds[i];
      types[at] = prefixTypes[i];
    }
    for (int i = from; i < to; i++, at++) {
      ids[at] = tokens[i];
      types[at] = textType;
    }
    for (int i = 0; i < suffixIds.length; i++, at++) {
      ids[at] = suffixIds[i];
      types[at] = suffixTypes[i];
    }
    return new long[][] {ids, types};
  }
}
