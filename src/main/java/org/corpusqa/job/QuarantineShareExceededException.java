package org.corpusqa.job;

import org.corpusqa.io.RunSummary;

/** A run that quarantined more than its allowed share of records; its output was still written. */
public final class QuarantineShareExceededException extends RuntimeException {
  private final transient RunSummary summary;

  public QuarantineShareExceededException(String message, RunSummary summary) {
    super(message);
    this.summary = summary;
  }

  /** The run's counts, which a finished run prints whatever its exit status. */
  public RunSummary summary() {
    return summary;
  }
}
