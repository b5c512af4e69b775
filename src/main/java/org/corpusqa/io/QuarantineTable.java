package org.corpusqa.io;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code quarantine} Iceberg table: every record (or (document, question)) that could not be
 * answered, with a fixed reason code. Keyed by ({@code record_key}, {@code query_id},
 * {@code reason}) and written with {@code MERGE INTO}, so a rerun does not repeat a row. The
 * {@code record_key} is the document id, or for a record without one {@code sha256:} of its raw
 * content (or {@code file:} and the path for an unreadable file). No column holds document text.
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
          .add("run_id", DataTypes.StringType, false)
          .add("at", DataTypes.TimestampType, false);

  private final SparkSession spark;
  private final String table;

  public QuarantineTable(SparkSession spark, String table) {
    this.spark = spark;
    this.table = table;
  }

  public String name() {
    return table;
  }

  public void createIfMissing() {
    spark.sql("CREATE TABLE IF NOT EXISTS " + table + " (" + SCHEMA.toDDL() + ") USING iceberg"
        + " PARTITIONED BY (reason) TBLPROPERTIES ('format-version'='2')");
  }

  /** Upserts {@code rows} (with {@link #SCHEMA}) on the table's key. */
  public void merge(Dataset<Row> rows) {
    String view = "corpusqa_new_quarantine";
    rows.createOrReplaceTempView(view);
    spark.sql("MERGE INTO " + table + " t USING " + view + " s"
        + " ON t.record_key = s.record_key AND t.reason = s.reason"
        + " AND t.query_id <=> s.query_id"
        + " WHEN MATCHED THEN UPDATE SET *"
        + " WHEN NOT MATCHED THEN INSERT *");
    spark.catalog().dropTempView(view);
  }
}
