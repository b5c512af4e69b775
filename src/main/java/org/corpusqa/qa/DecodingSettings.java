package org.corpusqa.qa;

import java.io.Serializable;

/**
 * How one query is answered: window geometry and span decoding, with the names and defaults of the
 * Hugging Face {@code QuestionAnsweringPipeline} so that users' expectations carry over.
 *
 * @param maxSeqLen tokens per window, special tokens included
 * @param docStride tokens shared by consecutive windows of one document
 * @param maxQuestionLen the question is cut to this many tokens
 * @param maxAnswerLen longest answer, in tokens
 * @param topK answers returned per (document, question)
 * @param handleImpossibleAnswer whether "no answer" competes with the spans
 * @param alignToWords whether a span is widened to whole words
 * @param nullThreshold when set, a (document, question) whose no-answer score exceeds it gets "no
 *     answer" at rank 1 (the official SQuAD v2.0 rule {@code na_prob > thresh}); null for none
 */
public record DecodingSettings(
    int maxSeqLen,
    int docStride,
    int maxQuestionLen,
    int maxAnswerLen,
    int topK,
    boolean handleImpossibleAnswer,
    boolean alignToWords,
    Double nullThreshold)
    implements Serializable {

  public static final DecodingSettings DEFAULTS =
      new DecodingSettings(384, 128, 64, 15, 1, false, true, null);

  public DecodingSettings {
    DecodingSetting.MAX_SEQ_LEN.checkRange(maxSeqLen);
    DecodingSetting.DOC_STRIDE.checkRange(docStride);
    DecodingSetting.MAX_QUESTION_LEN.checkRange(maxQuestionLen);
    DecodingSetting.MAX_ANSWER_LEN.checkRange(maxAnswerLen);
    DecodingSetting.TOP_K.checkRange(topK);
    if (nullThreshold != null) {
      DecodingSetting.NULL_THRESHOLD.checkProbability(nullThreshold);
    }
    if (docStride + maxQuestionLen >= maxSeqLen) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot use doc_stride %d with max_question_len %d: together they must be less than"
                  + " max_seq_len %d, so that each window moves forward",
              docStride, maxQuestionLen, maxSeqLen));
    }
  }

  /** A copy with one setting changed; {@code value} is an Integer, Boolean or Double as the setting needs. */
  public DecodingSettings with(DecodingSetting setting, Object value) {
    return withAll(java.util.Map.of(setting, value));
  }

  /**
   * A copy with several settings changed at once, checked together: {@code max_seq_len: 128} with
   * {@code doc_stride: 32} is valid whichever comes first.
   */
  public DecodingSettings withAll(java.util.Map<DecodingSetting, Object> values) {
    int[] n = {maxSeqLen, docStride, maxQuestionLen, maxAnswerLen, topK};
    boolean impossible = handleImpossibleAnswer;
    boolean align = alignToWords;
    Double threshold = nullThreshold;
    for (java.util.Map.Entry<DecodingSetting, Object> e : values.entrySet()) {
      switch (e.getKey()) {
        case MAX_SEQ_LEN -> n[0] = (Integer) e.getValue();
        case DOC_STRIDE -> n[1] = (Integer) e.getValue();
        case MAX_QUESTION_LEN -> n[2] = (Integer) e.getValue();
        case MAX_ANSWER_LEN -> n[3] = (Integer) e.getValue();
        case TOP_K -> n[4] = (Integer) e.getValue();
        case HANDLE_IMPOSSIBLE_ANSWER -> impossible = (Boolean) e.getValue();
        case ALIGN_TO_WORDS -> align = (Boolean) e.getValue();
        case NULL_THRESHOLD -> threshold = (Double) e.getValue();
      }
    }
    return new DecodingSettings(n[0], n[1], n[2], n[3], n[4], impossible, align, threshold);
  }

  /** The settings by their queries-file names, for logs and the evaluations table. */
  public java.util.Map<String, Object> asMap() {
    java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
    map.put(DecodingSetting.MAX_SEQ_LEN.key(), maxSeqLen);
    map.put(DecodingSetting.DOC_STRIDE.key(), docStride);
    map.put(DecodingSetting.MAX_QUESTION_LEN.key(), maxQuestionLen);
    map.put(DecodingSetting.MAX_ANSWER_LEN.key(), maxAnswerLen);
    map.put(DecodingSetting.TOP_K.key(), topK);
    map.put(DecodingSetting.HANDLE_IMPOSSIBLE_ANSWER.key(), handleImpossibleAnswer);
    map.put(DecodingSetting.ALIGN_TO_WORDS.key(), alignToWords);
    map.put(DecodingSetting.NULL_THRESHOLD.key(), nullThreshold);
    return map;
  }
}
