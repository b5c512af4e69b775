package org.corpusqa.job;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.io.CorpusSource;
import scala.Tuple2;

/**
 * Spreads a small input (often one file, so one partition) over the cores with about the same
 * amount of text in each partition. Documents differ in cost a hundredfold (one window against
 * hundreds), and a split by count or by hash can leave one core with the long contracts while the
 * others idle: measured on 18 mixed documents, 8 hash partitions kept one of 2 cores alone for a
 * third of the stage. Documents are dealt longest first, in snake order (0, 1, .., n-1, n-1, .., 0),
 * which keeps the partitions' totals within one document of each other.
 *
 * <p>The placement is a shuffle, so a retried task reads the same documents again.
 */
final class BalancedSpread {
  private BalancedSpread() {}

  static Dataset<Row> spread(SparkSession spark, Dataset<Row> work, int partitions) {
    StructType schema = work.schema();
    int text = schema.fieldIndex(CorpusSource.TEXT);
    int inputPartitions = Math.max(1, work.rdd().getNumPartitions());
    JavaRDD<Row> placed =
        work.javaRDD()
            .sortBy(row -> row.isNullAt(text) ? 0 : row.getString(text).length(), false, inputPartitions)
            .zipWithIndex()
            .mapToPair(ranked -> new Tuple2<>(snake(ranked._2(), partitions), ranked._1()))
            .partitionBy(new HashPartitioner(partitions))
            .values();
    return spark.createDataFrame(placed, schema);
  }

  /** The partition of the document ranked {@code rank} by length, dealt in snake order. */
  static int snake(long rank, int partitions) {
    long position = rank % (2L * partitions);
    return (int) (position < partitions ? position : 2L * partitions - 1 - position);
  }
}
