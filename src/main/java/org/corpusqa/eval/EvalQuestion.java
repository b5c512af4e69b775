package org.corpusqa.eval;

import java.util.List;

/**
 * One labelled question.
 *
 * @param answers the gold answer texts as the file gives them (may contain empty strings)
 * @param query the query it belongs to, for per-query metrics (the contract label), or null
 */
public record EvalQuestion(String id, String question, List<String> answers, String query) {
  /** The official v2.0 script's {@code bool(qa['answers'])}. */
  public boolean hasAnswer() {
    return !answers.isEmpty();
  }
}
