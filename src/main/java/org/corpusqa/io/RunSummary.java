package org.corpusqa.io;

import java.util.Locale;
import org.corpusqa.config.Namespace;
import org.corpusqa.config.RunMode;
import org.corpusqa.config.RunOptions;

/**
 * What a run did. The record counts reconcile: {@code recordsRead = recordsAnswered +
 * recordsUnchanged + recordsDuplicate + recordsQuarantined}.
 *
 * @param pairsAnswered (document, question) pairs answered with spans or labelled
 * @param labelRows rows for the labels table, one per labelled (document, classify query)
 * @param windowsRead the windows read over the run's (document, question) pairs; fewer than
 *     {@code windowsTotal} when prefilters skipped some
 * @param seconds the model stage's time
 * @param wallSeconds the whole run's time, from its start to its last commit; 0 until then
 */
public record RunSummary(
    String runId,
    RunMode mode,
    RunOptions.Tables tables,
    long recordsRead,
    long recordsAnswered,
    long recordsUnchanged,
    long recordsDuplicate,
    long recordsQuarantined,
    long unreadableFiles,
    long pairsAnswered,
    long pairsQuarantined,
    long answerRows,
    long labelRows,
    long windows,
    long windowsRead,
    long windowsTotal,
    double seconds,
    double wallSeconds) {

  /** The same counts, with the run's wall time now known. */
  public RunSummary withWallSeconds(double wall) {
    return new RunSummary(runId, mode, tables, recordsRead, recordsAnswered, recordsUnchanged, recordsDuplicate,
        recordsQuarantined, unreadableFiles, pairsAnswered, pairsQuarantined, answerRows, labelRows, windows, windowsRead,
        windowsTotal,
        seconds, wall);
  }

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
            + " %d unreadable files; %d (document, question) pairs quarantined; %d answer rows, %d label rows,"
            + " %d windows%s in %.1f s of model stage (%.1f windows/s); %.1f s wall time -> %s (quarantine %s, runs %s,"
            + " labels %s)",
        runId, mode.name().toLowerCase(Locale.ROOT), recordsRead, recordsAnswered, recordsUnchanged,
        recordsDuplicate, recordsQuarantined, unreadableFiles, pairsQuarantined, answerRows, labelRows, windows,
        windowsTotal > windowsRead ? String.format(" (the prefilter skipped %d of %d)", windowsTotal - windowsRead,
            windowsTotal) : "", seconds,
        windowsPerSecond(), wallSeconds, Namespace.fullyQualified(tables.answers()),
        Namespace.fullyQualified(tables.quarantine()), Namespace.fullyQualified(tables.runs()),
        Namespace.fullyQualified(tables.labels()));
  }
}
