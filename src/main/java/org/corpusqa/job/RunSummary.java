package org.corpusqa.job;

/** What a run did, for the log and the command line. */
public record RunSummary(
    String runId,
    String table,
    long documents,
    long skippedWithoutId,
    long answerRows,
    long windows,
    double seconds) {

  public double windowsPerSecond() {
    return seconds > 0 ? windows / seconds : 0;
  }

  @Override
  public String toString() {
    return String.format(
        "run %s: %d documents, %d answer rows, %d windows in %.1f s (%.1f windows/s) -> %s%s",
        runId, documents, answerRows, windows, seconds, windowsPerSecond(), table,
        skippedWithoutId == 0 ? "" : "; skipped " + skippedWithoutId + " rows without a document id");
  }
}
