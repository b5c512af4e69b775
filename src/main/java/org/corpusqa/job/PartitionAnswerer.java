package org.corpusqa.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.io.AnswersTable;
import org.corpusqa.model.BundleLocator;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.Answer;
import org.corpusqa.qa.AnswerStream;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.DocumentQuestions;
import org.corpusqa.qa.ForwardPass;
import org.corpusqa.qa.MappedIterator;
import org.corpusqa.qa.PreparedQuery;
import org.corpusqa.qa.QaEngine;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.Query;
import org.corpusqa.qa.WindowObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition function of {@code run} and {@code evaluate}: streams a partition's (doc_id, text)
 * rows, with their own questions for evaluation, through the QA engine and streams out one answers
 * row per (document, question, rank). The model is shared by
 * every task of the executor JVM; each task has its own forward pass, closed when the task ends.
 */
final class PartitionAnswerer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /**
   * What the function returns: answers rows, and for a (document, question) the tokenizer or model
   * failed on, one row with rank 0 and the failure (kind, error class, detail) for quarantine.
   */
  static final StructType OUTPUT =
      AnswersTable.SCHEMA
          .add("failure", DataTypes.StringType, true)
          .add("failure_class", DataTypes.StringType, true)
          .add("failure_detail", DataTypes.StringType, true);
  private static final Logger LOG = LoggerFactory.getLogger(PartitionAnswerer.class);

  private final AnswerTask task;
  private final LongAccumulator documents;
  private final LongAccumulator windows;

  PartitionAnswerer(AnswerTask task, LongAccumulator documents, LongAccumulator windows) {
    this.task = task;
    this.documents = documents;
    this.windows = windows;
  }

  /** Bundles this JVM copied and checked, so that each executor hashes a bundle once, not per task. */
  private static final java.util.Map<String, ModelBundle> VERIFIED = new java.util.concurrent.ConcurrentHashMap<>();

  private ModelBundle verified() {
    ModelBundle bundle = ModelBundle.open(BundleLocator.localDirectory(task.modelUri(), task.hadoopConf().get()));
    if (!bundle.sha256().equals(task.modelSha256())) {
      throw new IllegalStateException(
          "Model bundle " + task.modelUri() + " changed during the run: sha256 " + bundle.sha256()
              + " on this executor, " + task.modelSha256() + " on the driver; rerun the job");
    }
    return bundle;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TaskContext context = TaskContext.get();
    ModelCache.configureEngine(context == null ? 1 : context.cpus());
    ModelBundle bundle = VERIFIED.computeIfAbsent(task.modelUri() + "#" + task.modelSha256(), key -> verified());
    QaModel model = ModelCache.get(bundle, TaskDevice.of(context));
    QaEngine engine = new QaEngine(model.tokenizer(), bundle.manifest().maxSeqLen(), task.engineOptions());
    ExplainWriter explain =
        task.explainDirectory() == null
            ? null
            : new ExplainWriter(
                task.explainDirectory(), task.explainDocIds(),
                context == null ? 0 : context.partitionId(),
                context == null ? 0 : context.taskAttemptId(),
                task.hadoopConf().get());
    // Created after the explain writer, whose constructor may fail, so the predictor cannot leak.
    ForwardPass forward = model.newForwardPass();
    if (context != null) {
      context.addTaskCompletionListener(
          (TaskContext done) -> {
            forward.close();
            if (explain != null) {
              explain.close();
            }
          });
    }
    WindowObserver observer = explain == null ? WindowObserver.NONE : explain;
    // The run's questions are tokenized once per partition, not once per document (evaluation
    // has none: each of its rows brings its own).
    List<PreparedQuery> runQueries = task.queries().isEmpty() ? List.of() : engine.prepare(task.queries());
    java.util.Map<String, PreparedQuery> runQueriesById = new java.util.HashMap<>();
    runQueries.forEach(p -> runQueriesById.put(p.query().id(), p));
    AnswerStream stream =
        task.perRowQuestions()
            ? engine.answerEach(new MappedIterator<>(rows, row -> documentQuestions(row, engine, runQueriesById)), forward, observer)
            : engine.answer(new MappedIterator<>(rows, this::document), runQueries, forward, observer);
    return new AnswerRows(stream, explain);
  }

  private Document document(Row row) {
    documents.add(1);
    // Run rows carry the triage's text hash (Spark's, over the raw bytes), so that incremental runs
    // compare like with like; evaluation rows do not, and the text is hashed here.
    if (rowsCarryTextSha256 == null) { // every row of a partition has the same schema
      rowsCarryTextSha256 =
          row.schema() != null && java.util.Arrays.asList(row.schema().fieldNames()).contains("text_sha256");
    }
    String textSha256 = rowsCarryTextSha256 ? row.getAs("text_sha256") : null;
    // A null text is answered as an empty one: it gets an EMPTY_TEXT row instead of vanishing.
    return new Document(row.getString(0), row.getString(1) == null ? "" : row.getString(1), textSha256);
  }

  /**
   * The third column lists the questions to ask: query ids of the run's queries (incremental runs
   * ask only what is not answered yet), or (id, question) structs of labelled data.
   */
  private DocumentQuestions documentQuestions(
      Row row, QaEngine engine, java.util.Map<String, PreparedQuery> runQueriesById) {
    List<Object> asked = row.getList(row.length() - 1); // the questions are the last column
    List<PreparedQuery> queries = new ArrayList<>(asked.size());
    for (Object item : asked) {
      if (item instanceof Row q) {
        queries.add(engine.prepare(new Query(q.getString(0), q.getString(1), task.rowQuestionSettings())));
      } else {
        queries.add(runQueriesById.get((String) item));
      }
    }
    return new DocumentQuestions(document(row), queries);
  }

  /** Decided on a partition's first row; null until then. */
  private transient Boolean rowsCarryTextSha256;

  /** Each query's sha256, computed once per partition rather than once per answer row. */
  private transient java.util.Map<Query, String> querySha256;

  private String querySha256(Query query) {
    if (querySha256 == null) {
      querySha256 = new java.util.HashMap<>();
    }
    return querySha256.computeIfAbsent(query, Query::sha256);
  }

  /** Flattens results into rows; publishes the explain file once the partition is exhausted. */
  private final class AnswerRows implements Iterator<Row> {
    private final AnswerStream stream;
    private final ExplainWriter explain;
    private final ArrayDeque<Row> buffered = new ArrayDeque<>();
    private final Timestamp processedAt;
    private long windowsReported;
    private long emitted;
    private boolean finished;

    AnswerRows(AnswerStream stream, ExplainWriter explain) {
      this.stream = stream;
      this.explain = explain;
      this.processedAt = new Timestamp(task.processedAtMicros() / 1000);
    }

    @Override
    public boolean hasNext() {
      if (buffered.isEmpty() && stream.hasNext()) {
        QaResult result = stream.next();
        String textSha = result.document().textSha256() != null
            ? result.document().textSha256() : sha256(result.document().text());
        if (result.isFailed()) {
          buffered.add(failureRow(result, textSha));
        }
        for (Answer answer : result.answers()) {
          buffered.add(toRow(result, answer, textSha));
        }
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

    private Row failureRow(QaResult result, String textSha) {
      return RowFactory.create(
          result.docId(), result.query().id(), result.query().question(), querySha256(result.query()), 0, null, null,
          null, null,
          Double.NaN, null, textSha, task.modelName(), task.modelSha256(), task.runId(), processedAt,
          result.failure().kind().name(), result.failure().errorClass(), result.failure().detail());
    }

    private Row toRow(QaResult result, Answer answer, String textSha) {
      return RowFactory.create(
          result.docId(),
          result.query().id(),
          result.query().question(),
          querySha256(result.query()),
          answer.rank(),
          answer.text(),
          answer.startChar(),
          answer.endChar(),
          answer.score(),
          result.nullScore(),
          answer.reason() == null ? null : answer.reason().name(),
          textSha,
          task.modelName(),
          task.modelSha256(),
          task.runId(),
          processedAt,
          null,
          null,
          null);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
