package org.corpusqa.job;

/** A run that quarantined more than its allowed share of records; its output was still written. */
public final class QuarantineShareExceededException extends RuntimeException {
  public QuarantineShareExceededException(String message) {
    super(message);
  }
}
