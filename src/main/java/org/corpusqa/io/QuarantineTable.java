package org.corpusqa.io;

import java.util.List;
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

  private QuarantineTable() {}

  public static IcebergTable of(SparkSession spark, String name) {
    return new IcebergTable(spark, name, SCHEMA, "reason", List.of("record_key", "text_sha256", "query_id", "reason"));
  }
}
