package org.corpusqa.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.io.CorpusSource;
import org.corpusqa.qa.LongestFirst;
import scala.Tuple2;

/**
 * Places the documents to answer on the task slots so that each slot gets about the same model
 * work, when the input is small enough to plan on the driver.
 *
 * <p>Why: the model stage is one wave of long tasks, and it lasts as long as its heaviest task.
 * Spark places rows by hash, which is fair only on average: a few hundred documents of very
 * different lengths came out as partitions of 120, 106, 103 and 14 windows, and on 2 cores one core
 * then idled for a third of the stage. Here every document's cost is estimated from its length and
 * question count, the documents go longest first to the lightest slot ({@link LongestFirst}), and
 * each slot becomes one partition. A large input has many partitions of many documents, where hash
 * placement evens out, so it keeps Spark's placement and the driver never collects millions of ids.
 */
final class DocumentPlacement {
  /** Above this many documents the plan is left to Spark (the plan holds one id per document). */
  static final int MAX_PLANNED_DOCUMENTS = 200_000;
  /**
   * The question and special tokens every window carries, in characters of text: a short document
   * still costs a window, so cost is not simply proportional to length.
   */
  static final int WINDOW_OVERHEAD_CHARS = 300;
  private static final String QUERY_IDS = "query_ids";

  private DocumentPlacement() {}

  /**
   * {@code work} (doc_id unique, text, and in incremental runs query_ids) on {@code slots}
   * partitions of about equal cost, or as Spark placed it (with at least {@code slots} partitions)
   * when it has more than {@link #MAX_PLANNED_DOCUMENTS} documents.
   */
  static Placed place(SparkSession spark, Dataset<Row> work, int slots) {
    List<Row> costs = work.select(col(CorpusSource.DOC_ID), cost(work)).limit(MAX_PLANNED_DOCUMENTS + 1).collectAsList();
    if (costs.size() > MAX_PLANNED_DOCUMENTS) {
      return new Placed(work.rdd().getNumPartitions() < slots ? work.repartition(slots) : work, -1);
    }
    long[] weights = new long[costs.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = costs.get(i).getLong(1);
    }
    int[] slotOf = LongestFirst.assign(weights, slots);
    Map<String, Integer> plan = new HashMap<>(costs.size() * 2);
    for (int i = 0; i < slotOf.length; i++) {
      plan.put(costs.get(i).getString(0), slotOf[i]);
    }
    Broadcast<Map<String, Integer>> planned = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(plan);
    int docIdField = Arrays.asList(work.schema().fieldNames()).indexOf(CorpusSource.DOC_ID);
    JavaRDD<Row> placed =
        work.javaRDD()
            .mapToPair(row -> new Tuple2<>(row.getString(docIdField), row))
            .partitionBy(new PlannedPartitioner(planned, slots))
            .values();
    return new Placed(spark.createDataFrame(placed, work.schema()), costs.size());
  }

  /** The placed work, and how many documents it holds; -1 when it was too large to be counted here. */
  record Placed(Dataset<Row> rows, long documents) {}

  private static Column cost(Dataset<Row> work) {
    Column perQuestion = length(col(CorpusSource.TEXT)).plus(lit(WINDOW_OVERHEAD_CHARS)).cast("long");
    boolean incremental = Arrays.asList(work.schema().fieldNames()).contains(QUERY_IDS);
    return incremental ? perQuestion.multiply(size(col(QUERY_IDS))).cast("long") : perQuestion;
  }

  /** Partition = the planned slot of the document id; an id the plan lacks (none should) goes by hash. */
  private static final class PlannedPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final Broadcast<Map<String, Integer>> plan;
    private final int slots;

    PlannedPartitioner(Broadcast<Map<String, Integer>> plan, int slots) {
      this.plan = plan;
      this.slots = slots;
    }

    @Override
    public int numPartitions() {
      return slots;
    }

    @Override
    public int getPartition(Object key) {
      Integer slot = plan.value().get((String) key);
      return slot != null ? slot : Math.floorMod(key.hashCode(), slots);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof PlannedPartitioner p && p.plan.id() == plan.id() && p.slots == slots;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(plan.id()) * 31 + slots;
    }
  }
}
