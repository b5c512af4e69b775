package org.corpusqa.job;

import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Keeps rows that have a document id and counts those that do not, so that the run reports them
 * instead of dropping them silently (an answers row cannot be keyed without an id).
 */
final class NullIdFilter implements FilterFunction<Row> {
  private static final long serialVersionUID = 1L;
  private final LongAccumulator skipped;

  NullIdFilter(LongAccumulator skipped) {
    this.skipped = skipped;
  }

  @Override
  public boolean call(Row row) {
    if (row.isNullAt(0)) {
      skipped.add(1);
      return false;
    }
    return true;
  }
}
