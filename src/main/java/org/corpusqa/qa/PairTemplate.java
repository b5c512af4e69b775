package org.corpusqa.qa;

/**
 * Where a tokenizer puts its special tokens around a (question, context) pair, e.g. BERT's
 * {@code [CLS] q [SEP] c [SEP]} or XLM-R's {@code <s> q </s></s> c </s>}, with the token type of
 * each part. Read off the tokenizer itself so that any Hugging Face tokenizer works.
 */
public record PairTemplate(
    int[] prefixIds,
    int[] prefixTypes,
    int[] middleIds,
    int[] middleTypes,
    int[] suffixIds,
    int[] suffixTypes,
    int questionType,
    int contextType) {

  public int specialTokenCount() {
    return prefixIds.length + middleIds.length + suffixIds.length;
  }
}
