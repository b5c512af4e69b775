package org.corpusqa.executor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.corpusqa.io.CorpusSource;
import org.corpusqa.io.RecordTriage;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.DocumentQuestions;
import org.corpusqa.qa.PreparedQuery;
import org.corpusqa.qa.QaEngine;
import org.corpusqa.qa.Query;

/**
 * Reads the model stage's input rows, by column name: {@code doc_id}, {@code text}, the triage's
 * {@code text_sha256} when the row has it, and the questions to ask ({@link AnswerTask.Questions}).
 */
final class TaskRows {
  private final AnswerTask task;
  private final QaEngine engine;
  private final Map<String, PreparedQuery> queriesById = new HashMap<>();
  /** Decided on a partition's first row (all its rows share one schema); null until then. */
  private Boolean rowsCarryTextSha256;

  /** {@code queries}: the run's queries, prepared once per partition, not once per document. */
  TaskRows(AnswerTask task, QaEngine engine, List<PreparedQuery> queries) {
    this.task = task;
    this.engine = engine;
    queries.forEach(p -> queriesById.put(p.query().id(), p));
  }

  /**
   * Run rows carry the triage's text hash (Spark's, over the raw bytes), so that incremental runs
   * compare like with like; evaluation rows do not, and the text is hashed when its rows are made.
   * A null text is answered as an empty one: it gets an EMPTY_TEXT answer instead of vanishing.
   */
  Document document(Row row) {
    String text = row.getAs(CorpusSource.TEXT);
    if (rowsCarryTextSha256 == null) {
      rowsCarryTextSha256 = row.schema() != null && List.of(row.schema().fieldNames()).contains(RecordTriage.TEXT_SHA256);
    }
    String textSha256 = rowsCarryTextSha256 ? row.getAs(RecordTriage.TEXT_SHA256) : null;
    return new Document(row.getAs(CorpusSource.DOC_ID), text == null ? "" : text, textSha256);
  }

  /** The document with the questions its row lists: run query ids, or labelled (id, question) structs. */
  DocumentQuestions documentQuestions(Row row) {
    List<PreparedQuery> asked = new ArrayList<>();
    if (task.questions() == AnswerTask.Questions.LABELLED_PER_ROW) {
      for (Row q : row.<Row>getList(row.fieldIndex(CorpusSource.QUESTIONS))) {
        asked.add(engine.prepare(new Query(q.getString(0), q.getString(1), task.labelledQuestionSettings(),
            task.labelledQuestionPrefilter(), task.labelledQuestionClassification())));
      }
    } else {
      for (String id : row.<String>getList(row.fieldIndex(CorpusSource.QUERY_IDS))) {
        asked.add(queriesById.get(id));
      }
    }
    return new DocumentQuestions(document(row), asked);
  }
}
