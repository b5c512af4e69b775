package org.corpusqa.qa;

import java.util.List;

/**
 * The answers to one question over one document, best first (at least one, a no-answer when there
 * is no span), with the no-answer score: the minimum over windows of {@code p_start[CLS] *
 * p_end[CLS]} (1.0 for a text without tokens, where CLS is the only position).
 */
public record QaResult(
    Document document, Query query, List<Answer> answers, double nullScore, int windows) {
  public String docId() {
    return document.id();
  }
}
