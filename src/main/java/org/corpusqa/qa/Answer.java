package org.corpusqa.qa;

/**
 * One ranked answer. A span has {@code startChar}, {@code endChar} (Java {@code String} indices into
 * the document text) and {@code text == documentText.substring(startChar, endChar)}; a no-answer has
 * them null and a {@code reason}. A span's {@code score} pools its windows' {@code p_start * p_end}
 * as the query's {@link AnswerPooling} says (a sum over equal texts by default, so it may exceed 1);
 * a no-answer's is the minimum no-answer score over windows for {@link
 * NoAnswerReason#NO_ANSWER_PREFERRED}, null otherwise. {@code sources} are the windows' spans
 * pooled into a span, in document order (empty for a no-answer).
 */
public record Answer(
    int rank, Integer startChar, Integer endChar, String text, Double score, NoAnswerReason reason,
    java.util.List<AnswerSource> sources) {

  public Answer {
    sources = java.util.List.copyOf(sources);
  }

  public boolean hasSpan() {
    return startChar != null;
  }

  static Answer span(int rank, int start, int end, String text, double score, java.util.List<AnswerSource> sources) {
    return new Answer(rank, start, end, text, score, null, sources);
  }

  static Answer none(int rank, Double score, NoAnswerReason reason) {
    return new Answer(rank, null, null, null, score, reason, java.util.List.of());
  }
}
