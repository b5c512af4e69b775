package org.corpusqa.job;

import java.util.List;
import org.corpusqa.io.CorpusSource;
import org.corpusqa.io.InputFormat;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.Query;

/**
 * What {@code run} was asked to do, checked by the command line before the job starts.
 *
 * @param explainDirectory null unless {@code --explain} was given
 * @param maxTextChars longer texts are quarantined as TEXT_TOO_LARGE
 * @param maxQuarantineShare the run fails when more than this share of its records is quarantined
 */
public record RunOptions(
    String input,
    InputFormat inputFormat,
    String idColumn,
    String textColumn,
    List<Query> queries,
    String modelUri,
    Tables tables,
    RunMode mode,
    String explainDirectory,
    int explainLimit,
    long maxTextChars,
    double maxQuarantineShare,
    EngineOptions engineOptions,
    Chunk chunk) {

  /** One chunk of a backfill: which part of the input, and the names that record it in runs. */
  public record Chunk(String backfillId, String name, CorpusSource.Slice slice) {}

  /** The same run restricted to one backfill chunk. */
  public RunOptions forChunk(Chunk chunk) {
    return new RunOptions(input, inputFormat, idColumn, textColumn, queries, modelUri, tables, mode,
        explainDirectory, explainLimit, maxTextChars, maxQuarantineShare, engineOptions, chunk);
  }

  /**
   * Default size limit: 2,000,000 characters is about 700 pages of contract, some 600,000 tokens
   * (2,500 windows of 384 per question, minutes of CPU each); a longer "document" is almost always
   * a broken extraction (a whole archive, an embedded binary), and one such text would hold a task
   * for an hour.
   */
  public static final long DEFAULT_MAX_TEXT_CHARS = 2_000_000;

  public static final double DEFAULT_MAX_QUARANTINE_SHARE = 0.05;

  /** The output tables of a run. */
  public record Tables(String answers, String quarantine, String runs) {
    public static final Tables DEFAULT = new Tables("answers", "quarantine", "runs");
  }
}
