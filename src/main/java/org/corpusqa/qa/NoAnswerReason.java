package org.corpusqa.qa;

/** Why an answer row has no span. */
public enum NoAnswerReason {
  /** With {@code handle_impossible_answer}, "no answer" scored at least as high as this rank's spans. */
  NO_ANSWER_PREFERRED,
  /** The no-answer score exceeded the query's {@code null_threshold}. */
  ABOVE_NULL_THRESHOLD,
  /** No span in any window satisfied the constraints (context only, at most max_answer_len tokens). */
  NO_VALID_SPAN,
  /** The text has no tokens at all, so there was nothing to ask the model. */
  EMPTY_TEXT,
  /** The query's prefilter (with {@code min_windows: 0}) found no window sharing a word with the question. */
  NO_LEXICAL_MATCH
}
