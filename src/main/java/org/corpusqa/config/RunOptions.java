package org.corpusqa.config;

import java.util.List;
import java.util.Objects;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.Query;

/**
 * What {@code run} (and each chunk of {@code backfill}) was asked to do. Built with {@link
 * #builder()}: {@code set*} for what a run needs, {@code opt*} for what has a default; every default
 * is written here once, and {@link Builder#build()} checks the values before any job starts.
 *
 * @param inputFormat null to go by the input's file names ({@link InputFormat#ofFileName})
 * @param modelUri the model of the answer queries, or of the classify queries when they are all there is
 * @param classifierUri null, or the classification model of the classify queries ({@code --classifier})
 * @param explainDirectory null unless {@code --explain} was given
 * @param maxTextChars longer texts are quarantined as TEXT_TOO_LARGE
 * @param maxQuarantineShare the run fails when more than this share of its records is quarantined
 * @param chunk null unless this run is one chunk of a backfill
 */
public record RunOptions(
    String input,
    InputFormat inputFormat,
    String idColumn,
    String textColumn,
    List<Query> queries,
    String modelUri,
    String classifierUri,
    Tables tables,
    RunMode mode,
    String explainDirectory,
    int explainLimit,
    long maxTextChars,
    double maxQuarantineShare,
    EngineOptions engineOptions,
    Chunk chunk) {

  public static final String DEFAULT_ID_COLUMN = "doc_id";
  public static final String DEFAULT_TEXT_COLUMN = "text";
  public static final RunMode DEFAULT_MODE = RunMode.INCREMENTAL;
  public static final int DEFAULT_EXPLAIN_LIMIT = 100;

  /**
   * 2,000,000 characters is about 700 pages of contract, some 600,000 tokens (2,500 windows of 384
   * per question, minutes of CPU each); a longer "document" is almost always a broken extraction (a
   * whole archive, an embedded binary), and one such text would hold a task for an hour.
   */
  public static final long DEFAULT_MAX_TEXT_CHARS = 2_000_000;

  public static final double DEFAULT_MAX_QUARANTINE_SHARE = 0.05;

  /** One chunk of a backfill: which part of the input, and the names that record it in runs. */
  public record Chunk(String backfillId, String name, InputSlice slice) {}

  /** The output tables of a run, each named with its namespace ({@code qa.answers}). */
  public record Tables(String answers, String quarantine, String runs, String labels) {
    public static final String DEFAULT_ANSWERS = "answers";
    public static final String DEFAULT_QUARANTINE = "quarantine";
    public static final String DEFAULT_RUNS = "runs";
    public static final String DEFAULT_LABELS = "labels";

    /**
     * The tables as given on the command line, put in their namespace: {@code --namespace}, or the
     * one {@code answers} names, or {@value Namespace#DEFAULT}; the others follow unless they
     * name a namespace themselves.
     *
     * @param namespace the {@code --namespace} value, null when absent
     */
    public static Tables in(String namespace, String answers, String quarantine, String runs, String labels) {
      Namespace in = Namespace.of(namespace, answers);
      return new Tables(in.qualify(answers), in.qualify(quarantine), in.qualify(runs), in.qualify(labels));
    }

    /** The default tables in the default namespace. */
    public static Tables defaults() {
      return in(null, DEFAULT_ANSWERS, DEFAULT_QUARANTINE, DEFAULT_RUNS, DEFAULT_LABELS);
    }
  }

  /** The part of the input this run reads: all of it, or one backfill chunk's slice. */
  public InputSlice slice() {
    return chunk == null ? InputSlice.ALL : chunk.slice();
  }

  /** The same run restricted to one backfill chunk. */
  public RunOptions forChunk(Chunk chunk) {
    return new RunOptions(input, inputFormat, idColumn, textColumn, queries, modelUri, classifierUri, tables, mode,
        explainDirectory, explainLimit, maxTextChars, maxQuarantineShare, engineOptions, chunk);
  }

  /** The queries answered with spans ({@code task: answer}), in the file's order. */
  public List<Query> answerQueries() {
    return queries.stream().filter(q -> !q.isClassification()).toList();
  }

  /** The queries answered with labels ({@code task: classify}), in the file's order. */
  public List<Query> classifyQueries() {
    return queries.stream().filter(Query::isClassification).toList();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link RunOptions}; {@code set*} are required, {@code opt*} override a default. */
  public static final class Builder {
    private String input;
    private List<Query> queries;
    private String modelUri;
    private String classifierUri;
    /** Null: the format the input's file names say. */
    private InputFormat inputFormat;
    private String idColumn = DEFAULT_ID_COLUMN;
    private String textColumn = DEFAULT_TEXT_COLUMN;
    private Tables tables = Tables.defaults();
    private RunMode mode = DEFAULT_MODE;
    private String explainDirectory;
    private int explainLimit = DEFAULT_EXPLAIN_LIMIT;
    private long maxTextChars = DEFAULT_MAX_TEXT_CHARS;
    private double maxQuarantineShare = DEFAULT_MAX_QUARANTINE_SHARE;
    private EngineOptions engineOptions = EngineOptions.DEFAULTS;

    private Builder() {}

    /** The corpus: a path or Hadoop URI. */
    public Builder setInput(String input) {
      this.input = input;
      return this;
    }

    public Builder setQueries(List<Query> queries) {
      this.queries = List.copyOf(queries);
      return this;
    }

    /** A model bundle or Hugging Face folder, local or a Hadoop URI. */
    public Builder setModel(String modelUri) {
      this.modelUri = modelUri;
      return this;
    }

    /** The classification model of the classify queries, when {@code --model} answers the others. */
    public Builder optClassifier(String classifierUri) {
      this.classifierUri = classifierUri;
      return this;
    }

    public Builder optInputFormat(InputFormat inputFormat) {
      this.inputFormat = inputFormat;
      return this;
    }

    public Builder optColumns(String idColumn, String textColumn) {
      this.idColumn = idColumn;
      this.textColumn = textColumn;
      return this;
    }

    public Builder optTables(Tables tables) {
      this.tables = tables;
      return this;
    }

    public Builder optMode(RunMode mode) {
      this.mode = mode;
      return this;
    }

    /** Writes per-window logits and offsets of the first {@code limit} documents to {@code directory}. */
    public Builder optExplain(String directory, int limit) {
      this.explainDirectory = directory;
      this.explainLimit = limit;
      return this;
    }

    public Builder optMaxTextChars(long maxTextChars) {
      this.maxTextChars = maxTextChars;
      return this;
    }

    public Builder optMaxQuarantineShare(double maxQuarantineShare) {
      this.maxQuarantineShare = maxQuarantineShare;
      return this;
    }

    public Builder optEngineOptions(EngineOptions engineOptions) {
      this.engineOptions = engineOptions;
      return this;
    }

    /** The options, checked; a wrong value is a {@link ConfigException} naming its flag. */
    public RunOptions build() {
      Objects.requireNonNull(input, "setInput");
      Objects.requireNonNull(queries, "setQueries");
      Objects.requireNonNull(modelUri, "setModel");
      if (explainLimit < 1) {
        throw new ConfigException("Cannot use --explain-limit: must be at least 1, got: " + explainLimit);
      }
      if (maxTextChars < 1) {
        throw new ConfigException("Cannot use --max-text-chars: must be at least 1, got: " + maxTextChars);
      }
      if (!(maxQuarantineShare >= 0 && maxQuarantineShare <= 1)) {
        throw new ConfigException(
            "Cannot use --max-quarantine-share: must be between 0 and 1, got: " + maxQuarantineShare);
      }
      return new RunOptions(input, inputFormat, idColumn, textColumn, queries, modelUri, classifierUri, tables, mode,
          explainDirectory, explainLimit, maxTextChars, maxQuarantineShare, engineOptions, null);
    }
  }
}
