package org.corpusqa.io;

import org.corpusqa.config.RunMode;

/**
 * What a run did. The record counts reconcile: {@code recordsRead = recordsAnswered +
 * recordsUnchanged + recordsDuplicate + recordsQuarantined}.
 */
public record RunSummary(
    String runId,
    RunMode mode,
    String table,
    long recordsRead,
    long recordsAnswered,
    long recordsUnchanged,
    long recordsDuplicate,
    long recordsQuarantined,
    long unreadableFiles,
    long pairsAnswered,
    long pairsQuarantined,
    long answerRows,
    long windows,
    double seconds) {

  public double windowsPerSecond() {
    return seconds > 0 ? windows / seconds : 0;
  }

  public boolean reconciles() {
    return recordsRead == recordsAnswered + recordsUnchanged + recordsDuplicate + recordsQuarantined;
  }

  @Override
  public String toString() {
    return String.format(
        "run %s (%s): %d records read: %d answered, %d unchanged, %d duplicates, %d quarantined;"
            + " %d unreadable files; %d (document, question) pairs quarantined; %d answer rows, %d windows"
            + " in %.1f s (%.1f windows/s) -> %s",
        runId, mode.name().toLowerCase(java.util.Locale.ROOT), recordsRead, recordsAnswered, recordsUnchanged,
        recordsDuplicate, recordsQuarantined, unreadableFiles, pairsQuarantined, answerRows, windows, seconds,
        windowsPerSecond(), table);
  }
}
