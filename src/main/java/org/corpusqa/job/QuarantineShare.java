package org.corpusqa.job;

import org.corpusqa.io.RunSummary;
import org.corpusqa.io.RunsTable;

/**
 * The rule that fails a run which quarantined too much: more than {@code --max-quarantine-share} of
 * its records (records quarantined, and records with a quarantined (document, question) pair), or
 * no record read at all while some file was unreadable. Answers are written either way; the run is
 * recorded as {@link RunsTable.Status#FAILED_QUARANTINE_SHARE} and exits 3.
 */
record QuarantineShare(double share, double allowed, boolean exceeded) {
  static QuarantineShare of(RunSummary summary, long failedRecords, double allowed) {
    long read = summary.recordsRead();
    double share = read == 0 ? 0 : (double) (summary.recordsQuarantined() + failedRecords) / read;
    boolean exceeded = share > allowed || (read == 0 && summary.unreadableFiles() > 0);
    return new QuarantineShare(share, allowed, exceeded);
  }

  RunsTable.Status status() {
    return exceeded ? RunsTable.Status.FAILED_QUARANTINE_SHARE : RunsTable.Status.SUCCEEDED;
  }

  /** Throws when exceeded, with the query that lists the reasons. */
  void check(RunSummary summary, String quarantineTable) {
    if (exceeded) {
      throw new QuarantineShareExceededException(String.format(
          "Run %s quarantined %d records and %d (document, question) pairs of %d records read"
              + " (%.1f%%), more than --max-quarantine-share %.1f%%; answers were written, see: SELECT"
              + " reason, count(*) FROM %s WHERE run_id = '%s' GROUP BY reason",
          summary.runId(), summary.recordsQuarantined(), summary.pairsQuarantined(), summary.recordsRead(),
          100 * share, 100 * allowed, quarantineTable, summary.runId()), summary);
    }
  }
}
