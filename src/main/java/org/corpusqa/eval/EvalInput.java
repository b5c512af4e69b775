package org.corpusqa.eval;

/** The {@code --format} of {@code evaluate}: which reader a data file needs. */
public enum EvalInput {
  SQUAD,
  CONTRACTS;

  /** As users write it, which is how picocli lists the choices in {@code --help}. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
