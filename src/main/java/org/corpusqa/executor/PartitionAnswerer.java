package org.corpusqa.executor;

import ai.djl.Device;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.corpusqa.io.AnswersTable;
import org.corpusqa.io.ExplainWriter;
import org.corpusqa.io.LabelsTable;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.AnswerStream;
import org.corpusqa.qa.ForwardPass;
import org.corpusqa.qa.MappedIterator;
import org.corpusqa.qa.PreparedQuery;
import org.corpusqa.qa.QaEngine;
import org.corpusqa.qa.WindowObserver;

/**
 * The partition function of {@code run} and {@code evaluate}: streams a partition's documents
 * through the QA engine and streams out rows of {@link AnswersTable#WITH_FAILURES} (a classifier's:
 * {@link LabelsTable#WITH_FAILURES}). The model is
 * shared by every task of the executor JVM; each task has its own forward pass, closed when the task
 * ends.
 */
public final class PartitionAnswerer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final AnswerTask task;
  private final LongAccumulator documents;
  private final LongAccumulator windows;

  /** {@code documents} and {@code windows} count what the model stage read, for the run's summary. */
  public PartitionAnswerer(AnswerTask task, LongAccumulator documents, LongAccumulator windows) {
    this.task = task;
    this.documents = documents;
    this.windows = windows;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TaskContext context = TaskContext.get();
    ModelCache.configureEngine(context == null ? 1 : context.cpus());
    ModelBundle bundle = VerifiedBundles.get(task);
    Device device = TaskDevice.of(context);
    QaModel model = ModelCache.get(bundle, device);
    QaEngine engine = new QaEngine(model.tokenizer(), bundle.manifest().maxSeqLen(),
        task.engineOptions().forDevice(device.isGpu(), context == null ? 1 : context.cpus()),
        bundle.manifest().labels());
    List<PreparedQuery> queries = task.queries().isEmpty() ? List.of() : engine.prepare(task.queries());
    TaskRows input = new TaskRows(task, engine, queries);
    ExplainWriter explain = explainWriter(context, bundle.manifest().labels());
    // Created after the explain writer, whose constructor may fail, so the predictor cannot leak.
    ForwardPass forward = model.newForwardPass();
    WindowObserver observer = explain == null ? WindowObserver.NONE : explain;
    Iterator<Row> counted = new MappedIterator<>(rows, row -> {
      documents.add(1);
      return row;
    });
    AnswerStream stream = task.questions() == AnswerTask.Questions.ALL_QUERIES
        ? engine.answer(new MappedIterator<>(counted, input::document), queries, forward, observer)
        : engine.answerEach(new MappedIterator<>(counted, input::documentQuestions), forward, observer);
    if (context != null) {
      context.addTaskCompletionListener((TaskContext done) -> {
        // The stream's forward thread first: the forward pass must not close under a running batch.
        stream.close();
        forward.close();
        if (explain != null) {
          explain.close();
        }
      });
    }
    return new ResultRows(stream, task, windows, explain);
  }

  private ExplainWriter explainWriter(TaskContext context, List<String> labels) {
    if (task.explainDirectory() == null) {
      return null;
    }
    return new ExplainWriter(task.explainDirectory(), task.explainDocIds(), labels,
        context == null ? 0 : context.partitionId(), context == null ? 0 : context.taskAttemptId(),
        task.hadoopConf().get());
  }
}
