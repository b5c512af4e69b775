package org.corpusqa.job;

import org.corpusqa.io.RunSummary;
import org.corpusqa.io.RunsTable;

/**
 * The rule that fails a run which quarantined too much: more than {@code --max-quarantine-share} of
 * what it read, counting each record read and each file that could not be read as one item, and as
 * quarantined each record quarantined, each record with a quarantined (document, question) pair and
 * each unreadable file (so an input of unreadable files only is 100% quarantined). Answers are
 * written either way; the run is recorded as {@link RunsTable.Status#FAILED_QUARANTINE_SHARE} and
 * exits 3.
 */
record QuarantineShare(long failedRecords, double share, double allowed, boolean exceeded) {
  static QuarantineShare of(RunSummary summary, long failedRecords, double allowed) {
    long items = summary.recordsRead() + summary.unreadableFiles();
    long quarantined = summary.recordsQuarantined() + failedRecords + summary.unreadableFiles();
    double share = items == 0 ? 0 : (double) quarantined / items;
    return new QuarantineShare(failedRecords, share, allowed, share > allowed);
  }

  RunsTable.Status status() {
    return exceeded ? RunsTable.Status.FAILED_QUARANTINE_SHARE : RunsTable.Status.SUCCEEDED;
  }

  /** Throws when exceeded, with the query that lists the reasons. */
  void check(RunSummary summary, String quarantineTable) {
    if (exceeded) {
      throw new QuarantineShareExceededException(String.format(
          "Run %s quarantined %d records, %d records' (document, question) pairs and %d unreadable files, of %d"
              + " records read and %d unreadable files (%.1f%%), more than --max-quarantine-share %.1f%%; answers"
              + " were written, see: SELECT reason, count(*) FROM %s WHERE run_id = '%s' GROUP BY reason",
          summary.runId(), summary.recordsQuarantined(), failedRecords, summary.unreadableFiles(),
          summary.recordsRead(), summary.unreadableFiles(), 100 * share, 100 * allowed, quarantineTable,
          summary.runId()), summary);
    }
  }
}
