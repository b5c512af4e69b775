package org.corpusqa.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class BalancedSpreadTest {
  @Test
  void snakeOrderDealsLongestFirstBackAndForth() {
    List<Integer> dealt = new ArrayList<>();
    for (int rank = 0; rank < 8; rank++) {
      dealt.add(BalancedSpread.snake(rank, 3));
    }
    assertThat(dealt).containsExactly(0, 1, 2, 2, 1, 0, 0, 1);
  }

  @Test
  void everyDocumentLandsOnceAndThePartitionsCarryLikeAmountsOfText() {
    SparkSession spark = SparkTestSession.get();
    // The mix that a round-robin or hash split handles badly: many short documents, a few long ones,
    // with the long ones at regular positions.
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 36; i++) {
      int length = i % 6 == 5 ? 30_000 + 1_000 * i : 500 + 10 * i;
      rows.add(RowFactory.create("doc-" + i, "x".repeat(length), "sha-" + i));
    }
    StructType schema = new StructType().add("doc_id", DataTypes.StringType).add("text", DataTypes.StringType)
        .add("text_sha256", DataTypes.StringType);
    Dataset<Row> one = spark.createDataFrame(rows, schema).coalesce(1);

    Dataset<Row> spread = BalancedSpread.spread(spark, one, 2);

    assertThat(spread.rdd().getNumPartitions()).isEqualTo(2);
    assertThat(spread.schema()).isEqualTo(schema);
    List<String> ids = spread.select("doc_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(ids).hasSize(36).doesNotHaveDuplicates();
    List<Long> textPerPartition = spread.javaRDD()
        .mapPartitions(it -> {
          long chars = 0;
          while (it.hasNext()) {
            chars += it.next().getString(1).length();
          }
          return List.of(chars).iterator();
        })
        .collect();
    long longest = 30_000 + 1_000 * 35;
    assertThat(Math.abs(textPerPartition.get(0) - textPerPartition.get(1))).isLessThanOrEqualTo(longest);
    assertThat(Math.min(textPerPartition.get(0), textPerPartition.get(1)))
        .isGreaterThan((textPerPartition.get(0) + textPerPartition.get(1)) / 3);
  }
}
