package org.corpusqa.io;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * One of corpus-qa's Iceberg tables: created from its schema when missing, then written either by
 * {@code MERGE INTO} on its key (so reruns and retried tasks never add a row twice) or by appending
 * one row per run.
 */
public final class IcebergTable {
  /** A column of the MERGE source only: true for a row that deletes its key instead of writing it. */
  private static final String DELETE_FLAG = "corpusqa_delete";

  private final SparkSession spark;
  private final String name;
  private final StructType schema;
  private final String partitionColumn;
  private final List<String> nullSafeKey;

  /**
   * @param partitionColumn null for an unpartitioned table
   * @param key the columns a MERGE matches rows on (null-safe equality); empty for append-only tables
   */
  public IcebergTable(SparkSession spark, String name, StructType schema, String partitionColumn, List<String> key) {
    this.spark = spark;
    this.name = name;
    this.schema = schema;
    this.partitionColumn = partitionColumn;
    this.nullSafeKey = List.copyOf(key);
  }

  public void createIfMissing() {
    spark.sql("CREATE TABLE IF NOT EXISTS " + name + " (" + schema.toDDL() + ") USING iceberg"
        + (partitionColumn == null ? "" : " PARTITIONED BY (" + partitionColumn + ")")
        + " TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='copy-on-write')");
  }

  /** Upserts {@code rows} (with this table's schema) on the key. */
  public void merge(Dataset<Row> rows) {
    merge(rows, null);
  }

  /**
   * Upserts {@code rows} and deletes the rows whose keys {@code deletions} holds (both with this
   * table's schema; {@code deletions} may be null), in one MERGE and so in one commit: a reader sees
   * the table before or after, never a half.
   */
  public void merge(Dataset<Row> rows, Dataset<Row> deletions) {
    if (nullSafeKey.isEmpty()) {
      throw new IllegalStateException(name + " has no key to merge on");
    }
    String view = "corpusqa_merge_source";
    Dataset<Row> source = rows.withColumn(DELETE_FLAG, functions.lit(false));
    if (deletions != null) {
      source = source.unionByName(deletions.withColumn(DELETE_FLAG, functions.lit(true)));
    }
    source.createOrReplaceTempView(view);
    String on = nullSafeKey.stream().map(c -> "t." + c + " <=> s." + c).collect(Collectors.joining(" AND "));
    spark.sql("MERGE INTO " + name + " t USING " + view + " s ON " + on
        + " WHEN MATCHED AND s." + DELETE_FLAG + " THEN DELETE"
        + " WHEN MATCHED THEN UPDATE SET *"
        + " WHEN NOT MATCHED AND NOT s." + DELETE_FLAG + " THEN INSERT *");
    spark.catalog().dropTempView(view);
  }

  public void append(Row row) {
    try {
      spark.createDataFrame(List.of(row), schema).writeTo(name).append();
    } catch (Exception e) {
      // NoSuchTableException is checked in Scala's eyes only; the table was created first.
      throw new IllegalStateException("Cannot append to " + name + ": " + e.getMessage(), e);
    }
  }
}
