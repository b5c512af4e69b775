package org.corpusqa.io;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code evaluations} Iceberg table: one row appended per {@code evaluate}, so that models can
 * be compared over time in SQL. The headline metrics are columns; {@code metrics_json} holds them
 * all, per query included.
 */
public final class EvaluationsTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("evaluated_at", DataTypes.TimestampType, false)
          .add("model_name", DataTypes.StringType, false)
          .add("model_sha256", DataTypes.StringType, false)
          .add("dataset", DataTypes.StringType, false)
          .add("dataset_sha256", DataTypes.StringType, false)
          .add("format", DataTypes.StringType, false)
          .add("settings_json", DataTypes.StringType, false)
          .add("questions", DataTypes.IntegerType, false)
          .add("exact", DataTypes.DoubleType, false)
          .add("f1", DataTypes.DoubleType, false)
          .add("has_ans_exact", DataTypes.DoubleType, true)
          .add("has_ans_f1", DataTypes.DoubleType, true)
          .add("no_ans_exact", DataTypes.DoubleType, true)
          .add("no_ans_f1", DataTypes.DoubleType, true)
          .add("best_f1", DataTypes.DoubleType, true)
          .add("best_f1_thresh", DataTypes.DoubleType, true)
          .add("metrics_json", DataTypes.StringType, false);

  private EvaluationsTable() {}

  public static IcebergTable of(SparkSession spark, String name) {
    return new IcebergTable(spark, name, SCHEMA, null, List.of());
  }
}
