package org.corpusqa.eval;

/** The {@code --format} of {@code evaluate}: which reader a data file needs. */
public enum EvalInput {
  SQUAD,
  CONTRACTS
}
