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
 * @param label a classification query's label, with no answers; null for extractive questions
 */
public record QaResult(Document document, Query query, List<Answer> answers, double nullScore, int windows,
    int windowsTotal, Failure failure, LabelAggregator.Decision label) {
  /** An extractive question's result. */
  public QaResult(Document document, Query query, List<Answer> answers, double nullScore, int windows,
      int windowsTotal, Failure failure) {
    this(document, query, answers, nullScore, windows, windowsTotal, failure, null);
  }

  static QaResult failed(Document document, Query query, int windows, int windowsTotal, Failure failure) {
    return new QaResult(document, query, List.of(), Double.NaN, windows, windowsTotal, failure);
  }

  /** A classification query's result: the document's label (null for a text without tokens). */
  static QaResult labelled(Document document, Query query, LabelAggregator.Decision label, int windows, int total) {
    return new QaResult(document, query, List.of(), Double.NaN, windows, total, null, label);
  }

  QaResult withWindowsTotal(int total) {
    return new QaResult(document, query, answers, nullScore, windows, total, failure, label);
  }

  public boolean isFailed() {
    return failure != null;
  }

  public String docId() {
    return document.id();
  }
}
