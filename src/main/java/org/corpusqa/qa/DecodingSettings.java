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
 */
public record DecodingSettings(
    int maxSeqLen,
    int docStride,
    int maxQuestionLen,
    int maxAnswerLen,
    int topK,
    boolean handleImpossibleAnswer,
    boolean alignToWords)
    implements Serializable {

  public static final DecodingSettings DEFAULTS =
      new DecodingSettings(384, 128, 64, 15, 1, false, true);

  public DecodingSettings {
    DecodingSetting.MAX_SEQ_LEN.checkRange(maxSeqLen);
    DecodingSetting.DOC_STRIDE.checkRange(docStride);
    DecodingSetting.MAX_QUESTION_LEN.checkRange(maxQuestionLen);
    DecodingSetting.MAX_ANSWER_LEN.checkRange(maxAnswerLen);
    DecodingSetting.TOP_K.checkRange(topK);
    if (docStride + maxQuestionLen >= maxSeqLen) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot use doc_stride %d with max_question_len %d: together they must be less than"
                  + " max_seq_len %d, so that each window moves forward",
              docStride, maxQuestionLen, maxSeqLen));
    }
  }

  /** A copy with one setting changed; {@code value} is an Integer or a Boolean as the setting needs. */
  public DecodingSettings with(DecodingSetting setting, Object value) {
    int n = setting.isFlag() ? 0 : (Integer) value;
    boolean b = setting.isFlag() && (Boolean) value;
    return switch (setting) {
      case MAX_SEQ_LEN -> new DecodingSettings(
          n, docStride, maxQuestionLen, maxAnswerLen, topK, handleImpossibleAnswer, alignToWords);
      case DOC_STRIDE -> new DecodingSettings(
          maxSeqLen, n, maxQuestionLen, maxAnswerLen, topK, handleImpossibleAnswer, alignToWords);
      case MAX_QUESTION_LEN -> new DecodingSettings(
          maxSeqLen, docStride, n, maxAnswerLen, topK, handleImpossibleAnswer, alignToWords);
      case MAX_ANSWER_LEN -> new DecodingSettings(
          maxSeqLen, docStride, maxQuestionLen, n, topK, handleImpossibleAnswer, alignToWords);
      case TOP_K -> new DecodingSettings(
          maxSeqLen, docStride, maxQuestionLen, maxAnswerLen, n, handleImpossibleAnswer, alignToWords);
      case HANDLE_IMPOSSIBLE_ANSWER -> new DecodingSettings(
          maxSeqLen, docStride, maxQuestionLen, maxAnswerLen, topK, b, alignToWords);
      case ALIGN_TO_WORDS -> new DecodingSettings(
          maxSeqLen, docStride, maxQuestionLen, maxAnswerLen, topK, handleImpossibleAnswer, b);
    };
  }
}
