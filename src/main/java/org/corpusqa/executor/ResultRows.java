package org.corpusqa.executor;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.corpusqa.digest.Sha256;
import org.corpusqa.io.AnswersTable;
import org.corpusqa.io.ExplainWriter;
import org.corpusqa.io.LabelsTable;
import org.corpusqa.qa.Answer;
import org.corpusqa.qa.AnswerStream;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's results of one partition as rows of {@link AnswersTable#WITH_FAILURES}, or of {@link
 * LabelsTable#WITH_FAILURES} when the task's model is a classifier; publishes
 * the explain file and logs the partition's figures once the stream is exhausted.
 */
final class ResultRows implements Iterator<Row> {
  private static final Logger LOG = LoggerFactory.getLogger(ResultRows.class);

  private final AnswerStream stream;
  private final AnswerTask task;
  private final AnswersTable.Provenance provenance;
  private final LongAccumulator windows;
  private final ExplainWriter explain;
  private final ArrayDeque<Row> buffered = new ArrayDeque<>();
  /** Each query's sha256, computed once per partition rather than once per answer row. */
  private final Map<Query, String> querySha256 = new HashMap<>();
  private long windowsReported;
  private long emitted;
  private boolean finished;

  ResultRows(AnswerStream stream, AnswerTask task, LongAccumulator windows, ExplainWriter explain) {
    this.stream = stream;
    this.task = task;
    this.provenance = task.provenance();
    this.windows = windows;
    this.explain = explain;
  }

  @Override
  public boolean hasNext() {
    if (buffered.isEmpty() && stream.hasNext()) {
      add(stream.next());
    }
    long done = stream.stats().windows();
    windows.add(done - windowsReported);
    windowsReported = done;
    if (buffered.isEmpty() && !finished) {
      finished = true;
      if (explain != null) {
        explain.commit();
      }
      TaskContext context = TaskContext.get();
      LOG.info("Partition {}: {}", context == null ? 0 : context.partitionId(), stream.stats());
    }
    return !buffered.isEmpty();
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    emitted++;
    FaultInjection.maybeFail(task.faults(), emitted);
    return buffered.poll();
  }

  private void add(QaResult result) {
    String textSha256 = result.document().textSha256() != null
        ? result.document().textSha256() : Sha256.of(result.document().text());
    String querySha = querySha256.computeIfAbsent(result.query(), Query::sha256);
    if (task.labels()) {
      buffered.add(result.isFailed() ? LabelsTable.failureRow(result, querySha, textSha256, provenance)
          : LabelsTable.labelRowWithFailures(result, querySha, textSha256, provenance));
      return;
    }
    if (result.isFailed()) {
      buffered.add(AnswersTable.failureRow(result, querySha, textSha256, provenance));
    }
    if (explain != null) {
      explain.writeAnswers(result);
    }
    for (Answer answer : result.answers()) {
      buffered.add(AnswersTable.answerRow(result, answer, querySha, textSha256, provenance));
    }
  }
}
