package org.corpusqa.io;

import java.util.List;
import org.apache.spark.sql.Row;
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

  private final SparkSession spark;
  private final String table;

  public RunsTable(SparkSession spark, String table) {
    this.spark = spark;
    this.table = table;
  }

  public void createIfMissing() {
    spark.sql("CREATE TABLE IF NOT EXISTS " + table + " (" + SCHEMA.toDDL() + ") USING iceberg"
        + " TBLPROPERTIES ('format-version'='2')");
  }

  public void append(Row row) {
    try {
      spark.createDataFrame(List.of(row), SCHEMA).writeTo(table).append();
    } catch (Exception e) {
      // NoSuchTableException is checked in Scala's eyes only; the table was just created.
      throw new IllegalStateException("Cannot append to " + table + ": " + e.getMessage(), e);
    }
  }
}
