package org.corpusqa.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.qa.LabelAggregator;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.Query;

/**
 * The {@code labels} Iceberg table: one row per (document, classification query) with the label a
 * classification model gave the document, keyed by ({@code doc_id}, {@code query_id}, {@code
 * model_sha256}) and written with {@code MERGE INTO}, so that a rerun or a retried task never
 * duplicates a row. It owns its schema and its rows, as {@link AnswersTable} owns the answers'.
 */
public final class LabelsTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("query_id", DataTypes.StringType, false)
          // Null for a query that classifies the text alone.
          .add("question", DataTypes.StringType, true)
          .add("query_sha256", DataTypes.StringType, false)
          // Null only for a text without tokens: nothing to classify.
          .add("label", DataTypes.StringType, true)
          .add("score", DataTypes.DoubleType, true)
          .add("probabilities", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), true)
          .add("windows", DataTypes.IntegerType, false)
          // The window that gave the label its highest probability: where to read why.
          .add("start_char", DataTypes.IntegerType, true)
          .add("end_char", DataTypes.IntegerType, true)
          .add("text_sha256", DataTypes.StringType, false)
          .add("model_name", DataTypes.StringType, false)
          .add("model_sha256", DataTypes.StringType, false)
          .add("run_id", DataTypes.StringType, false)
          .add("processed_at", DataTypes.TimestampType, false);

  /**
   * What a classifier's model stage returns: labels rows, and for a (document, query) the tokenizer
   * or model failed on, one row without a label and with the failure (kind, error class, detail),
   * in the columns {@link AnswersTable#WITH_FAILURES} gives them, for quarantine.
   */
  public static final StructType WITH_FAILURES =
      SCHEMA
          .add(AnswersTable.FAILURE, DataTypes.StringType, true)
          .add("failure_class", DataTypes.StringType, true)
          .add("failure_detail", DataTypes.StringType, true);

  private final SparkSession spark;
  private final String name;
  private final IcebergTable table;

  private LabelsTable(SparkSession spark, String name) {
    this.spark = spark;
    this.name = name;
    this.table = new IcebergTable(spark, name, SCHEMA, "query_id", List.of("doc_id", "query_id", "model_sha256"));
  }

  public static LabelsTable in(SparkSession spark, String name) {
    return new LabelsTable(spark, name);
  }

  public void createIfMissing() {
    table.createIfMissing();
  }

  /** See {@link IcebergTable#refuseRootPredecessor()}. */
  public void refuseRootPredecessor() {
    table.refuseRootPredecessor();
  }

  /** The row of a labelled (document, query), in this table's columns. */
  public static Row labelRow(QaResult result, String querySha256, String textSha256, AnswersTable.Provenance by) {
    return RowFactory.create(labelValues(result, querySha256, textSha256, by));
  }

  /** A labelled (document, query) in {@link #WITH_FAILURES}' columns: no failure. */
  public static Row labelRowWithFailures(
      QaResult result, String querySha256, String textSha256, AnswersTable.Provenance by) {
    return RowFactory.create(withFailure(labelValues(result, querySha256, textSha256, by), null, null, null));
  }

  /** The one row of a (document, query) that failed, in {@link #WITH_FAILURES}' columns. */
  public static Row failureRow(QaResult result, String querySha256, String textSha256, AnswersTable.Provenance by) {
    // A failed result has no label: its values are those of an unlabelled row.
    return RowFactory.create(withFailure(labelValues(result, querySha256, textSha256, by),
        QuarantineReason.of(result.failure().kind()).name(), result.failure().errorClass(), result.failure().detail()));
  }

  private static Object[] labelValues(QaResult result, String querySha256, String textSha256, AnswersTable.Provenance by) {
    LabelAggregator.Decision decision = result.label();
    if (decision == null) {
      return new Object[] {result.docId(), result.query().id(), questionOf(result), querySha256, null, null, null,
          result.windows(), null, null, textSha256, by.modelName(), by.modelSha256(), by.runId(), by.processedAt()};
    }
    return new Object[] {result.docId(), result.query().id(), questionOf(result), querySha256, decision.label(),
        decision.score(), scala.collection.JavaConverters.mapAsScalaMap(decision.probabilities()),
        result.windows(), decision.evidenceStartChar(), decision.evidenceEndChar(), textSha256, by.modelName(),
        by.modelSha256(), by.runId(), by.processedAt()};
  }

  private static String questionOf(QaResult result) {
    return result.query().question().isEmpty() ? null : result.query().question();
  }

  private static Object[] withFailure(Object[] values, String failure, String failureClass, String detail) {
    Object[] all = Arrays.copyOf(values, values.length + 3);
    all[values.length] = failure;
    all[values.length + 1] = failureClass;
    all[values.length + 2] = detail;
    return all;
  }

  /** The labels among a classifier's model stage rows, in this table's columns. */
  public static Dataset<Row> labelsOf(Dataset<Row> modelStageRows) {
    return modelStageRows.filter(col(AnswersTable.FAILURE).isNull()).select(columns());
  }

  /**
   * The documents with the classify query ids still to label ({@link CorpusSource#QUERY_IDS}): a
   * (document, query) is done when this table holds it for this model, this exact text and this
   * exact query.
   */
  public Dataset<Row> unlabelled(Dataset<Row> documents, List<Query> queries, String modelSha256) {
    return PendingPairs.of(spark, documents, queries,
        spark.table(name).filter(col("model_sha256").equalTo(lit(modelSha256))));
  }

  /**
   * Upserts the rows on (doc_id, query_id, model_sha256): a (document, query) has one label per
   * model. None is no commit, so that an identical rerun leaves the table as it is.
   */
  public void merge(Dataset<Row> labels) {
    if (!labels.isEmpty()) {
      table.merge(labels.select(columns()));
    }
  }

  /** The labels this model gave for the given queries. */
  public Dataset<Row> of(List<Query> queries, String modelSha256) {
    Object[] ids = queries.stream().map(Query::id).toArray();
    return spark.table(name).filter(col("model_sha256").equalTo(lit(modelSha256)).and(col("query_id").isin(ids)));
  }

  private static Column[] columns() {
    return Arrays.stream(SCHEMA.fieldNames()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }
}
