package org.corpusqa.job;

import org.apache.spark.sql.SparkSession;

/**
 * Names the Spark jobs of a corpus-qa job in the Spark UI and event log ("corpus-qa run ID: step"),
 * where they would otherwise show as anonymous collect and count jobs.
 */
final class JobSteps {
  private final SparkSession spark;
  private final String prefix;

  JobSteps(SparkSession spark, String command, String id) {
    this.spark = spark;
    this.prefix = "corpus-qa " + command + " " + id + ": ";
  }

  /** The Spark jobs started from now on, on this thread, belong to {@code step}. */
  void begin(String step) {
    spark.sparkContext().setJobDescription(prefix + step);
  }

  /** Later Spark jobs on this thread (another command's) are not described as this one's. */
  void end() {
    spark.sparkContext().setJobDescription(null);
  }
}
