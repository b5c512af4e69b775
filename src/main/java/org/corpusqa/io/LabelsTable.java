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

  /** The row of a labelled (document, query), in this table's columns. */
  public static Row labelRow(QaResult result, String querySha256, String textSha256, AnswersTable.Provenance by) {
    LabelAggregator.Decision decision = result.label();
    String question = result.query().question().isEmpty() ? null : result.query().question();
    if (decision == null) {
      return RowFactory.create(result.docId(), result.query().id(), question, querySha256, null, null, null,
          result.windows(), null, null, textSha256, by.modelName(), by.modelSha256(), by.runId(), by.processedAt());
    }
    return RowFactory.create(result.docId(), result.query().id(), question, querySha256, decision.label(),
        decision.score(), scala.collection.JavaConverters.mapAsScalaMap(decision.probabilities()),
        result.windows(), decision.evidenceStartChar(), decision.evidenceEndChar(), textSha256, by.modelName(),
        by.modelSha256(), by.runId(), by.processedAt());
  }

  /** Upserts the rows on (doc_id, query_id, model_sha256): a (document, query) has one label per model. */
  public void merge(Dataset<Row> labels) {
    table.merge(labels.select(columns()));
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
