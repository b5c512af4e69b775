package org.corpusqa.eval;

import java.util.List;

/**
 * One labelled question.
 *
 * @param answers the gold answer texts as the file gives them (may contain empty strings)
 * @param query the query it belongs to, for per-query metrics (the contract label), or null
 * @param answerStarts each gold answer's first character in the context, -1 where unknown: where
 *     the prefilter's window recall looks for it
 */
public record EvalQuestion(String id, String question, List<String> answers, String query, List<Integer> answerStarts) {
  public EvalQuestion {
    answers = List.copyOf(answers);
    answerStarts = List.copyOf(answerStarts);
    if (answerStarts.size() != answers.size()) {
      throw new IllegalArgumentException("one start per answer: " + answerStarts.size() + " for " + answers.size());
    }
  }

  /** A question whose answers' places are not known. */
  public EvalQuestion(String id, String question, List<String> answers, String query) {
    this(id, question, answers, query, java.util.Collections.nCopies(answers.size(), -1));
  }

  /** The official v2.0 script's {@code bool(qa['answers'])}. */
  public boolean hasAnswer() {
    return !answers.isEmpty();
  }
}
