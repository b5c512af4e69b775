package org.corpusqa.qa;

import java.util.List;

/**
 * The answers to one question over one document, best first (at least one, a no-answer when there
 * is no span), with the no-answer score: the minimum over windows of {@code p_start[CLS] *
 * p_end[CLS]} (1.0 for a text without tokens, where CLS is the only position). When the tokenizer
 * or the model failed on it, {@code failure} says why and there are no answers.
 *
 * @param windows the windows the model read
 * @param windowsTotal the document's windows for this question; more than {@code windows} when the
 *     query's prefilter skipped some
 */
public record QaResult(Document document, Query query, List<Answer> answers, double nullScore, int windows,
    int windowsTotal, Failure failure) {
  static QaResult failed(Document document, Query query, int windows, int windowsTotal, Failure failure) {
    return new QaResult(document, query, List.of(), Double.NaN, windows, windowsTotal, failure);
  }

  QaResult withWindowsTotal(int total) {
    return new QaResult(document, query, answers, nullScore, windows, total, failure);
  }

  public boolean isFailed() {
    return failure != null;
  }

  public String docId() {
    return document.id();
  }
}
