package org.corpusqa.qa;

/**
 * One ranked answer. A span has {@code startChar}, {@code endChar} (Java {@code String} indices into
 * the document text) and {@code text == documentText.substring(startChar, endChar)}; a no-answer has
 * them null and a {@code reason}. {@code score} is {@code p_start * p_end} for a span, the minimum
 * no-answer score over windows for {@link NoAnswerReason#NO_ANSWER_PREFERRED}, null otherwise.
 */
public record Answer(
    int rank, Integer startChar, Integer endChar, String text, Double score, NoAnswerReason reason) {

  public boolean hasSpan() {
    return startChar != null;
  }

  static Answer span(int rank, int start, int end, String text, double score) {
    return new Answer(rank, start, end, text, score, null);
  }

  static Answer none(int rank, Double score, NoAnswerReason reason) {
    return new Answer(rank, null, null, null, score, reason);
  }
}
