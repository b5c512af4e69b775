package org.corpusqa.io;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code runs} Iceberg table: one row per run, whose counts reconcile: every record read is
 * answered, skipped as unchanged, collapsed as an identical duplicate, or quarantined.
 */
public final class RunsTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("mode", DataTypes.StringType, false)
          .add("input", DataTypes.StringType, false)
          .add("model_name", DataTypes.StringType, false)
          .add("model_sha256", DataTypes.StringType, false)
          .add("queries", DataTypes.IntegerType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("ended_at", DataTypes.TimestampType, false)
          .add("records_read", DataTypes.LongType, false)
          .add("records_answered", DataTypes.LongType, false)
          .add("records_unchanged", DataTypes.LongType, false)
          .add("records_duplicate", DataTypes.LongType, false)
          .add("records_quarantined", DataTypes.LongType, false)
          .add("unreadable_files", DataTypes.LongType, false)
          .add("pairs_answered", DataTypes.LongType, false)
          .add("pairs_quarantined", DataTypes.LongType, false)
          .add("answer_rows", DataTypes.LongType, false)
          .add("windows", DataTypes.LongType, false)
          .add("windows_per_second", DataTypes.DoubleType, false)
          .add("status", DataTypes.StringType, false)
          .add("backfill_id", DataTypes.StringType, true)
          .add("chunk", DataTypes.StringType, true);

  private RunsTable() {}

  public static IcebergTable of(SparkSession spark, String name) {
    return new IcebergTable(spark, name, SCHEMA, null, List.of());
  }
}
