package org.corpusqa.cli;

import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.Chunking;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.RunMode;
import org.corpusqa.config.RunOptions;
import org.corpusqa.job.BackfillJob;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corpus-qa backfill}: {@code run}'s options, plus how to cut the archive into chunks that are
 * committed one by one, so that a killed backfill resumes where it stopped.
 */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = "Answer an archive in chunks, each committed on its own; rerun the same command to resume.")
final class BackfillCommand extends RunCommand {
  @ArgGroup(exclusive = true, multiplicity = "1")
  ChunkOptions chunks;

  static final class ChunkOptions {
    @Option(names = "--files-per-chunk", description = "Chunk by files, this many per chunk.")
    Integer filesPerChunk;

    @ArgGroup(exclusive = false)
    ColumnRange range;
  }

  static final class ColumnRange {
    @Option(names = "--partition-column", required = true, description = "Chunk by each value of this column.")
    String column;

    @Option(names = "--from", required = true, description = "First value (inclusive, compared as strings).")
    String from;

    @Option(names = "--to", required = true, description = "Last value (inclusive, compared as strings).")
    String to;
  }

  @Override
  public Integer call() {
    RunOptions options = options();
    if (options.mode() != RunMode.INCREMENTAL) {
      throw new ConfigException("Cannot backfill with --mode full: a resumed backfill must skip what it answered;"
          + " leave --mode at incremental");
    }
    if (options.explainDirectory() != null) {
      throw new ConfigException("Cannot use --explain with backfill: explain one run instead");
    }
    Chunking chunking;
    if (chunks.filesPerChunk != null) {
      if (chunks.filesPerChunk < 1) {
        throw new ConfigException("Cannot use --files-per-chunk: must be at least 1, got: " + chunks.filesPerChunk);
      }
      chunking = Chunking.byFiles(chunks.filesPerChunk);
    } else {
      if (chunks.range.from.compareTo(chunks.range.to) > 0) {
        throw new ConfigException("Cannot backfill from " + chunks.range.from + " to " + chunks.range.to
            + ": --from must not come after --to");
      }
      chunking = Chunking.byColumn(chunks.range.column, chunks.range.from, chunks.range.to);
    }
    SparkSession spark = Sessions.create("corpus-qa backfill", warehouse.warehouse);
    try {
      System.out.println(new BackfillJob(spark, options, chunking).run());
      return 0;
    } finally {
      spark.stop();
    }
  }
}
