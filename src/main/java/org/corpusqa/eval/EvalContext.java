package org.corpusqa.eval;

import java.util.List;

/** A text and the questions asked of it: a SQuAD paragraph, or one contract record. */
public record EvalContext(String docId, String text, List<EvalQuestion> questions) {}
