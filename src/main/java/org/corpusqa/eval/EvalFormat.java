package org.corpusqa.eval;

import java.util.Locale;

/** Labelled data formats; each names the official metrics it is scored with. */
public enum EvalFormat {
  /** SQuAD v1.1: every question has an answer; scored by evaluate-v1.1.py. */
  SQUAD_V1_1,
  /** SQuAD v2.0: unanswerable questions; scored by evaluate-v2.0.py. */
  SQUAD_V2_0,
  /** Our first users' contracts: scored as SQuAD v2.0, overall and per query. */
  CONTRACTS,
  /** GLUE classification TSV: accuracy, per-class precision / recall / F1, Matthews correlation. */
  GLUE,
  /** Yes/no question answering as classification of (question, passage) pairs: as GLUE. */
  YESNO;

  public boolean hasUnanswerable() {
    return this == SQUAD_V2_0 || this == CONTRACTS;
  }

  /** Scored with {@link ClassificationMetrics} from a classification model's labels. */
  public boolean isClassification() {
    return this == GLUE || this == YESNO;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT).replace("_v1_1", "_v1.1").replace("_v2_0", "_v2.0");
  }
}
