package org.corpusqa.eval;

import java.util.ArrayList;
import java.util.List;

/** A labelled data set as read: contexts in file order, and the file's identity. */
public record EvalDataset(String source, String sha256, EvalFormat format, List<EvalContext> contexts) {
  /** Every question, in file order (the order the official scripts iterate in). */
  public List<EvalQuestion> questions() {
    List<EvalQuestion> all = new ArrayList<>();
    for (EvalContext c : contexts) {
      all.addAll(c.questions());
    }
    return all;
  }
}
