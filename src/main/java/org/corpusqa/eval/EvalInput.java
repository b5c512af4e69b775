package org.corpusqa.eval;

/** The {@code --format} of {@code evaluate}: which reader a data file needs. */
public enum EvalInput {
  SQUAD,
  CONTRACTS,
  /** GLUE's TSV files (SST-2 with a header, CoLA without): labels from a classification model. */
  GLUE,
  /** Yes/no questions as JSON lines (DaNetQA, BoolQ): labels from a classification model. */
  YESNO;

  /** Whether the data is labelled with classes, scored by {@link ClassificationMetrics}, not as SQuAD. */
  public boolean isClassification() {
    return this == GLUE || this == YESNO;
  }

  /** As users write it, which is how picocli lists the choices in {@code --help}. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
