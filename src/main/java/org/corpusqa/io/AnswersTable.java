package org.corpusqa.io;

import java.util.List;
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
          .add("processed_at", DataTypes.TimestampType, false);

  private AnswersTable() {}

  public static IcebergTable of(SparkSession spark, String name) {
    return new IcebergTable(spark, name, SCHEMA, "query_id", List.of("doc_id", "query_id", "model_sha256", "rank"));
  }
}
