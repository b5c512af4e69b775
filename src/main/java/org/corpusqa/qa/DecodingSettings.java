package org.corpusqa.qa;

import java.io.Serializable;

/**
 * How one query is answered: window geometry and span decoding, with the names and defaults of the
 * Hugging Face {@code QuestionAnsweringPipeline} so that users' expectations carry over.
 *
 * @param maxSeqLen tokens per window, special tokens included
 * @param docStride tokens shared by consecutive windows of one document
 * @param maxQuestionLen null (the default): an extractive question is never cut, as in the pipeline
 *     with a fast tokenizer (the only kind corpus-qa loads), and a classifier's first text is cut to
 *     {@link #CLASSIFIER_MAX_QUESTION_LEN}; set, the question is cut to this many tokens, as the
 *     pipeline does only with a slow tokenizer
 * @param maxAnswerLen longest answer, in tokens
 * @param topK answers returned per (document, question)
 * @param handleImpossibleAnswer whether "no answer" competes with the spans
 * @param alignToWords whether a span is widened to whole words
 * @param nullThreshold when set, a (document, question) whose no-answer score exceeds it gets "no
 *     answer" at rank 1 (the official SQuAD v2.0 rule {@code na_prob > thresh}); null for none
 * @param pooling how the windows' spans become answers: the pipeline's ({@link AnswerPooling#TEXT}) by
 *     default
 */
public record DecodingSettings(
    int maxSeqLen,
    int docStride,
    Integer maxQuestionLen,
    int maxAnswerLen,
    int topK,
    boolean handleImpossibleAnswer,
    boolean alignToWords,
    Double nullThreshold,
    AnswerPooling pooling)
    implements Serializable {

  /** The Hugging Face question-answering pipeline's defaults (transformers 5.2 and before). */
  public static final int DEFAULT_MAX_SEQ_LEN = 384;
  public static final int DEFAULT_DOC_STRIDE = 128;
  public static final int DEFAULT_MAX_ANSWER_LEN = 15;
  public static final int DEFAULT_TOP_K = 1;
  /** A classifier's first text is cut to this many tokens unless {@code max_question_len} is set. */
  public static final int CLASSIFIER_MAX_QUESTION_LEN = 64;

  public static final DecodingSettings DEFAULTS =
      new DecodingSettings(DEFAULT_MAX_SEQ_LEN, DEFAULT_DOC_STRIDE, null, DEFAULT_MAX_ANSWER_LEN,
          DEFAULT_TOP_K, false, true, null, AnswerPooling.TEXT);

  /** How many spans each window offers to the pool, by the pooling rule. */
  public int candidatesPerWindow() {
    return pooling.candidatesPerWindow(topK, alignToWords);
  }

  public DecodingSettings {
    DecodingKey.MAX_SEQ_LEN.checkRange(maxSeqLen);
    DecodingKey.DOC_STRIDE.checkRange(docStride);
    if (maxQuestionLen != null) {
      DecodingKey.MAX_QUESTION_LEN.checkRange(maxQuestionLen);
    }
    java.util.Objects.requireNonNull(pooling, "pooling");
    DecodingKey.MAX_ANSWER_LEN.checkRange(maxAnswerLen);
    DecodingKey.TOP_K.checkRange(topK);
    if (nullThreshold != null) {
      DecodingKey.NULL_THRESHOLD.checkProbability(nullThreshold);
    }
    if (maxQuestionLen == null && docStride >= maxSeqLen) {
      throw new IllegalArgumentException(String.format(
          "Cannot use doc_stride %d: it must be less than max_seq_len %d, so that each window moves forward",
          docStride, maxSeqLen));
    }
    if (maxQuestionLen != null && docStride + maxQuestionLen >= maxSeqLen) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot use doc_stride %d with max_question_len %d: together they must be less than"
                  + " max_seq_len %d, so that each window moves forward",
              docStride, maxQuestionLen, maxSeqLen));
    }
  }

  /**
   * A copy with one setting changed; {@code value} is an Integer, Boolean, Double or {@link
   * AnswerPooling} as the setting needs.
   */
  public DecodingSettings with(DecodingKey setting, Object value) {
    return withAll(java.util.Map.of(setting, value));
  }

  /**
   * A copy with several settings changed at once, checked together: {@code max_seq_len: 128} with
   * {@code doc_stride: 32} is valid whichever comes first.
   */
  public DecodingSettings withAll(java.util.Map<DecodingKey, Object> values) {
    int[] n = {maxSeqLen, docStride, 0, maxAnswerLen, topK};
    Integer questionLen = maxQuestionLen;
    AnswerPooling pool = pooling;
    boolean impossible = handleImpossibleAnswer;
    boolean align = alignToWords;
    Double threshold = nullThreshold;
    for (java.util.Map.Entry<DecodingKey, Object> e : values.entrySet()) {
      switch (e.getKey()) {
        case MAX_SEQ_LEN -> n[0] = (Integer) e.getValue();
        case DOC_STRIDE -> n[1] = (Integer) e.getValue();
        case MAX_QUESTION_LEN -> questionLen = (Integer) e.getValue();
        case MAX_ANSWER_LEN -> n[3] = (Integer) e.getValue();
        case TOP_K -> n[4] = (Integer) e.getValue();
        case HANDLE_IMPOSSIBLE_ANSWER -> impossible = (Boolean) e.getValue();
        case ALIGN_TO_WORDS -> align = (Boolean) e.getValue();
        case NULL_THRESHOLD -> threshold = (Double) e.getValue();
        case POOLING -> pool = (AnswerPooling) e.getValue();
      }
    }
    return new DecodingSettings(n[0], n[1], questionLen, n[3], n[4], impossible, align, threshold, pool);
  }

  /** The settings by their queries-file names, for logs and the evaluations table. */
  public java.util.Map<String, Object> asMap() {
    java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
    map.put(DecodingKey.MAX_SEQ_LEN.key(), maxSeqLen);
    map.put(DecodingKey.DOC_STRIDE.key(), docStride);
    map.put(DecodingKey.MAX_QUESTION_LEN.key(), maxQuestionLen);
    map.put(DecodingKey.MAX_ANSWER_LEN.key(), maxAnswerLen);
    map.put(DecodingKey.TOP_K.key(), topK);
    map.put(DecodingKey.HANDLE_IMPOSSIBLE_ANSWER.key(), handleImpossibleAnswer);
    map.put(DecodingKey.ALIGN_TO_WORDS.key(), alignToWords);
    map.put(DecodingKey.NULL_THRESHOLD.key(), nullThreshold);
    map.put(DecodingKey.POOLING.key(), pooling.key());
    return map;
  }
}
