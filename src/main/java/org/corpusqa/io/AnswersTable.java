package org.corpusqa.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.qa.Answer;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.Query;

/**
 * The {@code answers} Iceberg table: one row per (document, question, rank), keyed by
 * ({@code doc_id}, {@code query_id}, {@code model_sha256}, {@code rank}) and written with
 * {@code MERGE INTO}, so that a rerun or a retried task never duplicates a row. It owns its schema,
 * its rows, and the two questions a run asks of it: what is still unanswered, and which old ranks a
 * new answer makes stale.
 */
public final class AnswersTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("query_id", DataTypes.StringType, false)
          .add("question", DataTypes.StringType, false)
          .add("query_sha256", DataTypes.StringType, false)
          .add("rank", DataTypes.IntegerType, false)
          .add("answer", DataTypes.StringType, true)
          .add("start_char", DataTypes.IntegerType, true)
          .add("end_char", DataTypes.IntegerType, true)
          .add("score", DataTypes.DoubleType, true)
          .add("null_score", DataTypes.DoubleType, false)
          .add("no_answer_reason", DataTypes.StringType, true)
          .add("text_sha256", DataTypes.StringType, false)
          .add("model_name", DataTypes.StringType, false)
          .add("model_sha256", DataTypes.StringType, false)
          .add("run_id", DataTypes.StringType, false)
          .add("processed_at", DataTypes.TimestampType, false)
          // The windows of the (document, question) the model read, and all it had: fewer read when
          // the query's prefilter skipped some. Null in rows written before the prefilter.
          .add("windows_read", DataTypes.IntegerType, true)
          .add("windows_total", DataTypes.IntegerType, true);

  /** Set (the failure's kind) on the model stage's rows for a (document, question) that failed. */
  public static final String FAILURE = "failure";

  /**
   * What the model stage returns: answers rows, and for a (document, question) the tokenizer or
   * model failed on, one row with rank 0 and the failure (kind, error class, detail) for quarantine.
   */
  public static final StructType WITH_FAILURES =
      SCHEMA
          .add(FAILURE, DataTypes.StringType, true)
          .add("failure_class", DataTypes.StringType, true)
          .add("failure_detail", DataTypes.StringType, true);

  /** Which model and run wrote a row, and when. */
  public record Provenance(String modelName, String modelSha256, String runId, Timestamp processedAt)
      implements Serializable {}

  private final SparkSession spark;
  private final String name;
  private final IcebergTable table;

  private AnswersTable(SparkSession spark, String name) {
    this.spark = spark;
    this.name = name;
    this.table = new IcebergTable(spark, name, SCHEMA, "query_id", List.of("doc_id", "query_id", "model_sha256", "rank"),
        java.util.Set.of("windows_read", "windows_total"));
  }

  public static AnswersTable in(SparkSession spark, String name) {
    return new AnswersTable(spark, name);
  }

  public void createIfMissing() {
    table.createIfMissing();
  }

  /** See {@link IcebergTable#refuseRootPredecessor()}. */
  public void refuseRootPredecessor() {
    table.refuseRootPredecessor();
  }

  /** One answer of a (document, question), in {@link #WITH_FAILURES}' columns. */
  public static Row answerRow(QaResult result, Answer answer, String querySha256, String textSha256, Provenance by) {
    return RowFactory.create(
        result.docId(), result.query().id(), result.query().question(), querySha256, answer.rank(), answer.text(),
        answer.startChar(), answer.endChar(), answer.score(), result.nullScore(),
        answer.reason() == null ? null : answer.reason().name(), textSha256, by.modelName(), by.modelSha256(),
        by.runId(), by.processedAt(), result.windows(), result.windowsTotal(), null, null, null);
  }

  /** The one row of a (document, question) that failed, in {@link #WITH_FAILURES}' columns. */
  public static Row failureRow(QaResult result, String querySha256, String textSha256, Provenance by) {
    return RowFactory.create(
        result.docId(), result.query().id(), result.query().question(), querySha256, 0, null, null, null, null,
        Double.NaN, null, textSha256, by.modelName(), by.modelSha256(), by.runId(), by.processedAt(), result.windows(),
        result.windowsTotal(), QuarantineReason.of(result.failure().kind()).name(), result.failure().errorClass(),
        result.failure().detail());
  }

  /** The answers among the model stage's rows, in this table's columns. */
  public static Dataset<Row> answersOf(Dataset<Row> modelStageRows) {
    return modelStageRows.filter(col(FAILURE).isNull()).select(columns());
  }

  /**
   * The documents with the query ids still to answer ({@link CorpusSource#QUERY_IDS}): a (document,
   * question) is done when this table holds it for this model, this exact text and this exact
   * question and settings.
   */
  public Dataset<Row> unanswered(Dataset<Row> documents, List<Query> queries, String modelSha256) {
    return PendingPairs.of(spark, documents, queries,
        spark.table(name).filter(col("model_sha256").equalTo(lit(modelSha256)).and(col("rank").equalTo(1))));
  }

  /**
   * Upserts {@code answers} and, in the same commit, deletes the ranks they make stale: for a
   * (document, question) answered now by this model, the ranks it has no longer (a smaller top_k, or
   * a changed text with fewer spans). Without that a reader would see rank 3 of the old text beside
   * ranks 1 and 2 of the new.
   */
  public void merge(Dataset<Row> answers, List<Query> queries, String modelSha256) {
    Object[] queryIds = queries.stream().map(Query::id).toArray();
    Dataset<Row> existing =
        spark.table(name).filter(col("model_sha256").equalTo(lit(modelSha256)).and(col("query_id").isin(queryIds)));
    Dataset<Row> stale =
        existing
            .join(answers.select(col("doc_id"), col("query_id")).distinct(), seq("doc_id", "query_id"), "left_semi")
            .join(answers.select(col("doc_id"), col("query_id"), col("rank")), seq("doc_id", "query_id", "rank"),
                "left_anti")
            .select(columns());
    table.merge(answers, stale);
  }

  private static Column[] columns() {
    return Arrays.stream(SCHEMA.fieldNames()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  /** Column names as the Scala sequence that Dataset.join takes. */
  static scala.collection.Seq<String> seq(String... columns) {
    return scala.collection.JavaConverters.asScalaBuffer(List.of(columns)).toSeq();
  }
}
