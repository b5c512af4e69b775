package org.corpusqa.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code quarantine} Iceberg table: every record (or (document, question)) that could not be
 * answered, with a fixed reason code. Keyed by ({@code record_key}, {@code text_sha256},
 * {@code query_id}, {@code reason}) and written with {@code MERGE INTO}, so a rerun does not repeat
 * a row; identical records share one row, counted in {@code copies}. The {@code record_key} is the
 * document id, or for a record without one {@code sha256:} of its raw content (or {@code file:} and
 * the path for an unreadable file). No column holds document text.
 */
public final class QuarantineTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("record_key", DataTypes.StringType, false)
          .add("doc_id", DataTypes.StringType, true)
          .add("query_id", DataTypes.StringType, true)
          .add("reason", DataTypes.StringType, false)
          .add("error_class", DataTypes.StringType, true)
          .add("detail", DataTypes.StringType, false)
          .add("source_file", DataTypes.StringType, true)
          .add("text_sha256", DataTypes.StringType, true)
          .add("copies", DataTypes.LongType, false)
          .add("run_id", DataTypes.StringType, false)
          .add("at", DataTypes.TimestampType, false);

  private final SparkSession spark;
  private final IcebergTable table;

  private QuarantineTable(SparkSession spark, String name) {
    this.spark = spark;
    this.table = new IcebergTable(spark, name, SCHEMA, "reason", List.of("record_key", "text_sha256", "query_id", "reason"));
  }

  public static QuarantineTable in(SparkSession spark, String name) {
    return new QuarantineTable(spark, name);
  }

  public void createIfMissing() {
    table.createIfMissing();
  }

  /** See {@link IcebergTable#refuseRootPredecessor()}. */
  public void refuseRootPredecessor() {
    table.refuseRootPredecessor();
  }

  /** Merges the rows; none is no commit, so that an identical rerun leaves the table as it is. */
  public void merge(Dataset<Row> rows) {
    if (!rows.isEmpty()) {
      table.merge(rows);
    }
  }

  /**
   * The columns of a model stage's rows ({@link AnswersTable#WITH_FAILURES} or {@link
   * LabelsTable#WITH_FAILURES}) that quarantine reads, so that the stages of a run can be passed to
   * {@link #rows} as one dataset.
   */
  public static Dataset<Row> failuresOf(Dataset<Row> modelStageRows) {
    return modelStageRows.select(col("doc_id"), col("query_id"), col(AnswersTable.FAILURE), col("failure_class"),
        col("failure_detail"), col("text_sha256"));
  }

  /**
   * The quarantine rows of a run: one per distinct (record key, text, question, reason) of the
   * triaged records ({@link RecordTriage}), the model stages' failed (document, question) pairs
   * ({@link #failuresOf}, or a model stage's rows as they are) and the unreadable files, with the
   * number of records each stands for, so that the MERGE source never holds a key twice.
   */
  public Dataset<Row> rows(
      Dataset<Row> triaged, Dataset<Row> failures, List<UnreadableFile> unreadable, String runId, Timestamp at) {
    return recordRows(triaged, runId, at)
        .unionByName(pairRows(failures, runId, at))
        .unionByName(fileRows(unreadable, runId, at));
  }

  private static Dataset<Row> recordRows(Dataset<Row> triaged, String runId, Timestamp at) {
    return triaged.filter(col(RecordTriage.REASON).isNotNull())
        .groupBy(col(RecordTriage.RECORD_KEY), col(RecordTriage.TEXT_SHA256), col(RecordTriage.REASON))
        .agg(first(col(CorpusSource.DOC_ID)).as("doc_id"), first(col(RecordTriage.DETAIL)).as("detail"),
            first(col(CorpusSource.FILE)).as("source_file"), count(lit(1)).as("copies"))
        .select(col(RecordTriage.RECORD_KEY), col("doc_id"), lit(null).cast(DataTypes.StringType).as("query_id"),
            col(RecordTriage.REASON).as("reason"), lit(null).cast(DataTypes.StringType).as("error_class"),
            col("detail"), col("source_file"), col(RecordTriage.TEXT_SHA256), col("copies"),
            lit(runId).as("run_id"), lit(at).as("at"));
  }

  private static Dataset<Row> pairRows(Dataset<Row> failures, String runId, Timestamp at) {
    return failures.filter(col(AnswersTable.FAILURE).isNotNull())
        .select(col("doc_id").as(RecordTriage.RECORD_KEY), col("doc_id"), col("query_id"),
            col(AnswersTable.FAILURE).as("reason"), col("failure_class").as("error_class"),
            col("failure_detail").as("detail"), lit(null).cast(DataTypes.StringType).as("source_file"),
            col("text_sha256"), lit(1L).as("copies"), lit(runId).as("run_id"), lit(at).as("at"));
  }

  private Dataset<Row> fileRows(List<UnreadableFile> unreadable, String runId, Timestamp at) {
    List<Row> files = new ArrayList<>();
    for (UnreadableFile f : unreadable) {
      files.add(RowFactory.create("file:" + f.path(), null, null, f.reason().name(),
          f.errorClass(), f.detail(), f.path(), null, 1L, runId, at));
    }
    return spark.createDataFrame(files, SCHEMA);
  }
}
