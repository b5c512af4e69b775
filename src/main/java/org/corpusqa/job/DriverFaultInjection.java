package org.corpusqa.job;

import org.apache.spark.sql.SparkSession;

/**
 * Test-only fault injection on the driver, read from {@code spark.corpusqa.test.haltAfterCommit}
 * ({@code quarantine} or {@code answers}): the driver JVM halts right after that commit, with no
 * shutdown hook run, as a {@code kill -9} or a lost node would stop it; tests prove that every row
 * committed before stays traceable to a run and that a rerun finishes the work. Off unless set.
 */
final class DriverFaultInjection {
  static final String CONF = "spark.corpusqa.test.haltAfterCommit";
  /** The exit status of a JVM killed by SIGKILL, which the halt imitates. */
  static final int KILLED = 137;

  private DriverFaultInjection() {}

  static void afterCommit(SparkSession spark, String commit) {
    if (commit.equals(spark.conf().get(CONF, ""))) {
      System.err.println("corpus-qa: halting after the " + commit + " commit (" + CONF + ")");
      Runtime.getRuntime().halt(KILLED);
    }
  }
}
