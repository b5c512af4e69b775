package org.corpusqa.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.testing.SparkTestSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MERGEs that race a real concurrent commit: while the MERGE's jobs read its source, another writer
 * inserts into the same table (another thread with a Spark session and catalog of its own, as a
 * second run would have), so that Iceberg refuses the MERGE's commit as it refuses a run's.
 */
class IcebergTableTest {
  private static final StructType SCHEMA =
      new StructType().add("k", DataTypes.StringType, false).add("v", DataTypes.IntegerType, false);
  /** How many more reads of the MERGE source meet a concurrent commit; handshakes with the other writer. */
  private static final AtomicInteger RACES_LEFT = new AtomicInteger();
  private static final AtomicInteger OTHER_COMMITS = new AtomicInteger();
  private static final Semaphore READING = new Semaphore(0);
  private static final Semaphore PROCEED = new Semaphore(0);
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.get();
  }

  /** Runs in the MERGE's task (local mode: this JVM): lets the other writer commit, then goes on. */
  private static final class WaitForTheOtherWriter implements MapPartitionsFunction<Row, Row> {
    @Override
    public java.util.Iterator<Row> call(java.util.Iterator<Row> rows) throws InterruptedException {
      if (RACES_LEFT.getAndDecrement() > 0) {
        READING.release();
        if (!PROCEED.tryAcquire(120, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the other writer did not commit");
        }
      }
      return rows;
    }
  }

  private static IcebergTable table(String name) {
    IcebergTable table = new IcebergTable(spark, name, SCHEMA, null, List.of("k"));
    table.createIfMissing();
    spark.sql("INSERT INTO " + name + " VALUES ('a', 1)");
    return table;
  }

  private static Dataset<Row> source() {
    return spark.createDataFrame(List.of(RowFactory.create("a", 2), RowFactory.create("b", 3)), SCHEMA)
        .repartition(1).mapPartitions(new WaitForTheOtherWriter(), Encoders.row(SCHEMA));
  }

  /**
   * The other writer: one insert each time the MERGE reads its source while races are left (an
   * attempt reads it twice: to find the files it rewrites, then to write them).
   */
  private static Thread otherWriter(String table, int races, AtomicReference<Throwable> failure) {
    READING.drainPermits();
    PROCEED.drainPermits();
    OTHER_COMMITS.set(0);
    RACES_LEFT.set(races);
    SparkSession own = spark.newSession();
    Thread thread = new Thread(() -> {
      try {
        for (int i = 0; i < races; i++) {
          if (!READING.tryAcquire(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the MERGE did not read its source");
          }
          own.sql("INSERT INTO " + table + " VALUES ('other-" + i + "', 0)");
          OTHER_COMMITS.incrementAndGet();
          PROCEED.release();
        }
      } catch (InterruptedException e) {
        // The MERGE is over: no more reads to race.
      } catch (Throwable e) {
        failure.set(e);
        PROCEED.release(races);
      }
    });
    thread.start();
    return thread;
  }

  @Test
  void aMergeThatLosesARaceIsRunAgainAndKeepsTheOtherWritersRows() throws InterruptedException {
    IcebergTable table = table("qa.race_once");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread other = otherWriter("qa.race_once", 1, failure);
    table.merge(source());
    other.join();
    assertThat(failure.get()).isNull();
    assertThat(spark.sql("SELECT k, v FROM qa.race_once ORDER BY k").collectAsList().stream()
        .map(r -> r.getString(0) + "=" + r.getInt(1)).toList()).containsExactly("a=2", "b=3", "other-0=0");
  }

  @Test
  void aMergeThatKeepsLosingStopsWithOneLineThatSaysToRerun() throws InterruptedException {
    IcebergTable table = table("qa.race_always");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread other = otherWriter("qa.race_always", 2 * IcebergTable.COMMIT_ATTEMPTS, failure);
    assertThatThrownBy(() -> table.merge(source()))
        .isInstanceOf(ConcurrentCommitException.class)
        .hasMessage("Cannot commit to qa.race_always: another run committed to it at the same time; rerun this command"
            + " to finish (incremental mode skips what is done)");
    other.interrupt();
    other.join();
    assertThat(failure.get()).isNull();
    // Nothing of the MERGE is in the table; every other commit is.
    assertThat(spark.sql("SELECT count(*) FROM qa.race_always WHERE k IN ('a', 'b') AND v > 1").first().getLong(0)).isZero();
    assertThat(OTHER_COMMITS.get()).isGreaterThanOrEqualTo(IcebergTable.COMMIT_ATTEMPTS);
    assertThat(spark.sql("SELECT count(*) FROM qa.race_always").first().getLong(0)).isEqualTo(1 + OTHER_COMMITS.get());
  }
}
