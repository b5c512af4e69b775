package org.corpusqa.executor;

import java.io.Serializable;
import org.apache.spark.TaskContext;

/**
 * Test-only fault injection, read from {@code spark.corpusqa.test.failFirstAttemptAfterRows}: the
 * first attempt of every task fails after emitting that many rows, as an executor lost mid-partition
 * would, so that tests can prove retries neither lose nor duplicate answers. Off unless set.
 */
public record FaultInjection(int failFirstAttemptAfterRows) implements Serializable {
  public static final FaultInjection NONE = new FaultInjection(-1);
  public static final String CONF = "spark.corpusqa.test.failFirstAttemptAfterRows";

  static void maybeFail(FaultInjection faults, long emitted) {
    if (faults.failFirstAttemptAfterRows() < 0) {
      return;
    }
    TaskContext context = TaskContext.get();
    if (context != null && context.attemptNumber() == 0 && emitted > faults.failFirstAttemptAfterRows()) {
      throw new IllegalStateException("Injected failure (" + CONF + ") in partition "
          + context.partitionId() + " after " + faults.failFirstAttemptAfterRows() + " rows");
    }
  }
}
