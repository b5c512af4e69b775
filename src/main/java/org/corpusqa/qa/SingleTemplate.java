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
}
