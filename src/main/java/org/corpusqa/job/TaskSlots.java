package org.corpusqa.job;

import org.apache.spark.sql.SparkSession;

/** The cluster's task slots as Spark's settings give them, read in this one place. */
final class TaskSlots {
  private TaskSlots() {}

  /** {@code spark.task.cpus}: the cores each task takes, which the model's intra-op threads follow. */
  static int cpusPerTask(SparkSession spark) {
    return Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
  }

  /** How many model tasks run at once: the cluster's cores over the cores each task takes. */
  static int count(SparkSession spark) {
    return Math.max(1, spark.sparkContext().defaultParallelism() / cpusPerTask(spark));
  }
}
