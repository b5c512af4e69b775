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

class DocumentPlacementTest {
  private static final StructType SCHEMA = new StructType()
      .add("doc_id", DataTypes.StringType, false).add("text", DataTypes.StringType, false)
      .add("query_ids", DataTypes.createArrayType(DataTypes.StringType), false);

  /**
   * 40 short documents and 3 long ones, one of the long ones with a single question left: every
   * document lands exactly once, on one of 2 partitions whose costs differ by less than the
   * cheapest long document.
   */
  @Test
  void placesEveryDocumentOnceWithEvenCostPerSlot() {
    SparkSession spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(RowFactory.create("short-" + i, "с".repeat(200 + 10 * i), new String[] {"q1", "q2"}));
    }
    rows.add(RowFactory.create("long-a", "д".repeat(40_000), new String[] {"q1", "q2"}));
    rows.add(RowFactory.create("long-b", "д".repeat(30_000), new String[] {"q1", "q2"}));
    rows.add(RowFactory.create("long-c", "д".repeat(50_000), new String[] {"q2"}));
    Dataset<Row> work = spark.createDataFrame(rows, SCHEMA).repartition(3);

    DocumentPlacement.Placed placement = DocumentPlacement.place(spark, work, 2);
    assertThat(placement.documents()).isEqualTo(43);
    Dataset<Row> placed = placement.rows();

    assertThat(placed.rdd().getNumPartitions()).isEqualTo(2);
    List<List<Row>> partitions = placed.javaRDD().glom().collect();
    List<String> ids = new ArrayList<>();
    long[] cost = new long[2];
    for (int p = 0; p < 2; p++) {
      for (Row row : partitions.get(p)) {
        ids.add(row.getString(0));
        cost[p] += (row.getString(1).length() + DocumentPlacement.WINDOW_OVERHEAD_CHARS) * row.getList(2).size();
      }
    }
    assertThat(ids).hasSize(43).doesNotHaveDuplicates();
    assertThat(ids).containsAll(rows.stream().map(r -> r.getString(0)).toList());
    // Within the costliest short document (2 questions x (590 + overhead)): the long ones went to different slots.
    assertThat(Math.abs(cost[0] - cost[1])).isLessThanOrEqualTo(2L * (590 + DocumentPlacement.WINDOW_OVERHEAD_CHARS));
    assertThat(placed.schema()).isEqualTo(work.schema());
  }
}
