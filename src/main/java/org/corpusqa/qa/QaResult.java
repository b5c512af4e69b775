package org.corpusqa.qa;

import java.util.List;

/**
 * The answers to one question over one document, best first (at least one, a no-answer when there
 * is no span), with the no-answer score: the minimum over windows of {@code p_start[CLS] *
 * p_end[CLS]} (1.0 for a text without tokens, where CLS is the only position). When the tokenizer
 * or the model failed on it, {@code failure} says why and there are no answers.
 */
public record QaResult(
    Document document, Query query, List<Answer> answers, double nullScore, int windows, Failure failure) {
  static QaResult failed(Document document, Query query, int windows, Failure failure) {
    return new QaResult(document, query, List.of(), Double.NaN, windows, failure);
  }

  public boolean isFailed() {
    return failure != null;
  }

  public String docId() {
    return document.id();
  }
}
