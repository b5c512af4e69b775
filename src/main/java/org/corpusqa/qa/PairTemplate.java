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

  /**
   * A text alone as a pair with an empty question and nothing between: the windows of a
   * classification query without a question are then cut and written as a pair's are.
   */
  public static PairTemplate ofSingle(SingleTemplate single) {
    return new PairTemplate(single.prefixIds(), single.prefixTypes(), new int[0], new int[0], single.suffixIds(),
        single.suffixTypes(), single.textType(), single.textType());
  }
}
