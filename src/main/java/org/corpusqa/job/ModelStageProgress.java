package org.corpusqa.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * Logs the model stage's progress while it runs: documents begun (of the total, when the placement
 * knows it; a document counts when its task takes it up), windows done, windows/s and an estimate
 * of the time left. The stage is one wave of long
 * tasks, whose accumulators reach the driver's values only when a task ends; running tasks report
 * theirs with each executor heartbeat ({@code spark.executor.heartbeatInterval}), and those partial
 * values are added here.
 */
final class ModelStageProgress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelStageProgress.class);
  /** Seconds between progress lines; tests set it shorter. */
  static final String INTERVAL_CONF = "spark.corpusqa.progressIntervalSeconds";

  private final SparkContext spark;
  private final LongAccumulator documents;
  private final LongAccumulator windows;
  private final long totalDocuments;
  private final long started = System.nanoTime();
  /** Running task id -> its latest reported {documents, windows}. */
  private final Map<Long, long[]> running = new ConcurrentHashMap<>();
  private final SparkListener listener = new SparkListener() {
    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
      for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> task
          : JavaConverters.seqAsJavaList(update.accumUpdates())) {
        long[] values = running.computeIfAbsent((Long) task._1(), id -> new long[2]);
        for (AccumulableInfo info : JavaConverters.seqAsJavaList(task._4())) {
          if (info.update().isDefined() && info.update().get() instanceof Long value) {
            if (info.id() == documents.id()) {
              values[0] = value;
            } else if (info.id() == windows.id()) {
              values[1] = value;
            }
          }
        }
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      // An ended task's counts are in the accumulators' values now (a failed one's are not).
      running.remove(end.taskInfo().taskId());
    }
  };
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "corpus-qa progress");
    thread.setDaemon(true);
    return thread;
  });

  /** @param totalDocuments the documents the stage reads, or -1 when the placement did not count them */
  ModelStageProgress(SparkContext spark, LongAccumulator documents, LongAccumulator windows, long totalDocuments) {
    this.spark = spark;
    this.documents = documents;
    this.windows = windows;
    this.totalDocuments = totalDocuments;
    long interval = Long.parseLong(spark.getConf().get(INTERVAL_CONF, "10"));
    spark.addSparkListener(listener);
    timer.scheduleAtFixedRate(this::log, interval, interval, TimeUnit.SECONDS);
  }

  private void log() {
    long doneDocuments = documents.value();
    long doneWindows = windows.value();
    for (long[] values : running.values()) {
      doneDocuments += values[0];
      doneWindows += values[1];
    }
    LOG.info(line(doneDocuments, totalDocuments, doneWindows, (System.nanoTime() - started) / 1e9));
  }

  /** The progress line; the estimate assumes the documents left go at the rate of those begun. */
  static String line(long documents, long totalDocuments, long windows, double seconds) {
    StringBuilder line = new StringBuilder("Model stage: ").append(documents);
    if (totalDocuments >= 0) {
      line.append(" of ").append(totalDocuments).append(" documents begun (")
          .append(totalDocuments == 0 ? 100 : Math.round(100.0 * documents / totalDocuments)).append("%)");
    } else {
      line.append(" documents begun");
    }
    line.append(String.format(java.util.Locale.ROOT, ", %d windows done in %.0f s (%.1f windows/s)", windows, seconds,
        seconds > 0 ? windows / seconds : 0));
    if (totalDocuments > 0 && documents > 0 && documents < totalDocuments) {
      long left = Math.round(seconds / documents * (totalDocuments - documents));
      line.append(String.format(java.util.Locale.ROOT, ", about %d min %02d s left", left / 60, left % 60));
    }
    return line.toString();
  }

  /** Stops the timer and logs the stage's last line, so that even a stage shorter than the interval logs one. */
  @Override
  public void close() {
    timer.shutdownNow();
    spark.removeSparkListener(listener);
    running.clear();
    log();
  }
}
