package org.corpusqa.io;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code answers} Iceberg table: one row per (document, question, rank), keyed by
 * ({@code doc_id}, {@code query_id}, {@code model_sha256}, {@code rank}) and written with
 * {@code MERGE INTO}, so that a rerun or a retried task never duplicates a row.
 */
public final class AnswersTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("doc_id", DataTypes.StringType, false)
          .add("query_id", DataTypes.StringType, false)
          .add("question", DataTypes.StringType, false)
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
          .add("processed_at", DataTypes.TimestampType, false);

  private final SparkSession spark;
  private final String table;

  public AnswersTable(SparkSession spark, String table) {
    this.spark = spark;
    this.table = table;
  }

  public void createIfMissing() {
    spark.sql(
        "CREATE TABLE IF NOT EXISTS " + table + " (" + SCHEMA.toDDL() + ") USING iceberg"
            + " PARTITIONED BY (query_id)"
            + " TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='copy-on-write')");
  }

  /** Upserts {@code rows} (with {@link #SCHEMA}) on the table's key. */
  public void merge(Dataset<Row> rows) {
    String view = "corpusqa_new_answers";
    rows.createOrReplaceTempView(view);
    spark.sql(
        "MERGE INTO " + table + " t USING " + view + " s"
            + " ON t.doc_id = s.doc_id AND t.query_id = s.query_id"
            + " AND t.model_sha256 = s.model_sha256 AND t.rank = s.rank"
            + " WHEN MATCHED THEN UPDATE SET *"
            + " WHEN NOT MATCHED THEN INSERT *");
    spark.catalog().dropTempView(view);
  }
}
