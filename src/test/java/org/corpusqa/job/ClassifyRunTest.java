package org.corpusqa.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.InputFormat;
import org.corpusqa.config.QueriesFile;
import org.corpusqa.config.RunMode;
import org.corpusqa.config.RunOptions;
import org.corpusqa.digest.Sha256;
import org.corpusqa.io.RunSummary;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.ModelTask;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.AnswerStream;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.ForwardPass;
import org.corpusqa.qa.QaEngine;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.Query;
import org.corpusqa.qa.WindowObserver;
import org.corpusqa.testing.SharedData;
import org.corpusqa.testing.SampleContracts;
import org.corpusqa.testing.SparkTestSession;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose queries file holds an answer query and a yes/no query: two models, two model stages,
 * the answers and labels tables, one reconciled runs row. The classifier is a Hugging Face folder of
 * {@code ../shared/fixtures/hf} (labels no / yes), the answering model the tiny test bundle.
 */
class ClassifyRunTest {
  private static final Path SAMPLE = SampleContracts.JSONL;
  private static final List<Query> QUERIES = QueriesFile.read(Paths.get("jobs/queries/contract-security-yesno.yaml"));
  private static SparkSession spark;
  private static Map<String, String> texts;

  @TempDir static Path tmp;

  @BeforeAll
  static void readSample() throws IOException {
    spark = SparkTestSession.get();
    texts = SampleContracts.texts();
  }

  private static RunOptions.Builder options(String prefix, List<Query> queries, String model, String classifier,
      RunMode mode) {
    return RunOptions.builder().setInput(SAMPLE.toString()).setQueries(queries).setModel(model)
        .optClassifier(classifier).optInputFormat(InputFormat.JSON)
        .optTables(RunOptions.Tables.in(null, prefix + "_answers", prefix + "_quarantine", prefix + "_runs",
            prefix + "_labels"))
        .optMode(mode);
  }

  @Test
  void answersAndLabelsOneRunTwoTablesAndAnIdenticalRerunAddsNothing() {
    String classifier = SharedData.hfFixture("cls-bert-yesno").toString();
    RunSummary first = new AnswerJob(spark, options("both", QUERIES, TestModels.TINY_BERT.toString(), classifier,
        RunMode.INCREMENTAL).build()).run();
    int docs = texts.size();
    assertThat(first.reconciles()).isTrue();
    assertThat(first.recordsRead()).isEqualTo(docs);
    assertThat(first.recordsAnswered()).isEqualTo(docs);
    assertThat(first.pairsAnswered()).isEqualTo(2L * docs);
    assertThat(first.answerRows()).isEqualTo(docs);
    assertThat(first.labelRows()).isEqualTo(docs);
    assertThat(first.pairsQuarantined()).isZero();

    String classifierSha = ModelBundle.open(Path.of(classifier), ModelTask.TEXT_CLASSIFICATION).sha256();
    List<Row> labels = spark.sql("SELECT doc_id, query_id, question, label, score, probabilities, windows,"
        + " start_char, end_char, text_sha256, model_name, model_sha256, run_id, query_sha256 FROM both_labels")
        .collectAsList();
    assertThat(labels).hasSize(docs);
    Query yesNo = QUERIES.get(1);
    for (Row row : labels) {
      String text = texts.get(row.getString(0));
      assertThat(row.getString(1)).isEqualTo("requires_performance_security");
      assertThat(row.getString(2)).isEqualTo(yesNo.question());
      assertThat(row.getString(3)).isIn("no", "yes");
      Map<String, Double> probabilities = row.getJavaMap(5);
      assertThat(probabilities.keySet()).containsExactlyInAnyOrder("no", "yes");
      assertThat(probabilities.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
      assertThat(row.getDouble(4)).isEqualTo(probabilities.get(row.getString(3)));
      assertThat(row.getInt(6)).isGreaterThanOrEqualTo(1);
      assertThat(row.getInt(7)).isBetween(0, row.getInt(8));
      assertThat(row.getInt(8)).isLessThanOrEqualTo(text.length());
      assertThat(row.getString(9)).isEqualTo(Sha256.of(text));
      assertThat(row.getString(11)).isEqualTo(classifierSha);
      assertThat(row.getString(12)).isEqualTo(first.runId());
      assertThat(row.getString(13)).isEqualTo(yesNo.sha256());
    }
    assertThat(spark.sql("SELECT DISTINCT query_id FROM both_answers").collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("performance_security");

    Row run = spark.sql("SELECT model_name, classifier_name, classifier_sha256, label_rows, answer_rows, status"
        + " FROM both_runs").first();
    assertThat(run.getString(0)).isEqualTo("tiny-bert");
    assertThat(run.getString(1)).isEqualTo("cls-bert-yesno");
    assertThat(run.getString(2)).isEqualTo(classifierSha);
    assertThat(run.getLong(3)).isEqualTo(docs);
    assertThat(run.getLong(4)).isEqualTo(docs);
    assertThat(run.getString(5)).isEqualTo("SUCCEEDED");

    long labelSnapshots = spark.sql("SELECT count(*) FROM qa.both_labels.snapshots").first().getLong(0);
    long answerSnapshots = spark.sql("SELECT count(*) FROM qa.both_answers.snapshots").first().getLong(0);
    RunSummary again = new AnswerJob(spark, options("both", QUERIES, TestModels.TINY_BERT.toString(), classifier,
        RunMode.INCREMENTAL).build()).run();
    assertThat(again.reconciles()).isTrue();
    assertThat(again.recordsAnswered()).isZero();
    assertThat(again.recordsUnchanged()).isEqualTo(docs);
    assertThat(again.windows()).isZero();
    assertThat(spark.sql("SELECT count(*) FROM qa.both_labels.snapshots").first().getLong(0)).isEqualTo(labelSnapshots);
    assertThat(spark.sql("SELECT count(*) FROM qa.both_answers.snapshots").first().getLong(0)).isEqualTo(answerSnapshots);
    assertThat(spark.sql("SELECT count(*) FROM both_labels").first().getLong(0)).isEqualTo(docs);

    // A changed threshold is another query: only the labels are asked again, not the answers.
    List<Query> stricter = QueriesFile.parse("stricter.yaml", """
        queries:
          - id: performance_security
            question: обеспечение исполнения контракта
            max_answer_len: 64
            handle_impossible_answer: true
          - id: requires_performance_security
            task: classify
            question: требуется ли обеспечение исполнения контракта?
            positive_label: "yes"
            threshold: 0.9
        """);
    RunSummary third = new AnswerJob(spark, options("both", stricter, TestModels.TINY_BERT.toString(), classifier,
        RunMode.INCREMENTAL).build()).run();
    assertThat(third.reconciles()).isTrue();
    assertThat(third.recordsAnswered()).isEqualTo(docs);
    assertThat(third.answerRows()).isZero();
    assertThat(third.labelRows()).isEqualTo(docs);
    assertThat(spark.sql("SELECT count(*) FROM both_labels").first().getLong(0)).isEqualTo(docs);
  }

  @Test
  void labelsAreTheEnginesOwnForEachDocument() throws IOException {
    Path folder = SharedData.hfFixture("cls-bert-yesno");
    List<Query> yesNo = List.of(QUERIES.get(1));
    Path explain = tmp.resolve("explain-labels");
    new AnswerJob(spark, options("alone", yesNo, folder.toString(), null, RunMode.FULL)
        .optExplain(explain.toString(), 2).build()).run();
    Map<String, Row> byDoc = new HashMap<>();
    for (Row row : spark.sql("SELECT doc_id, label, probabilities, windows, start_char, end_char FROM alone_labels")
        .collectAsList()) {
      byDoc.put(row.getString(0), row);
    }
    assertThat(byDoc).hasSize(texts.size());

    QaModel model = ModelCache.get(ModelBundle.open(folder, ModelTask.TEXT_CLASSIFICATION), Device.cpu());
    QaEngine engine = new QaEngine(model.tokenizer(), model.bundle().manifest().maxSeqLen(), EngineOptions.DEFAULTS,
        model.bundle().manifest().labels());
    List<Document> documents = new ArrayList<>();
    texts.forEach((id, text) -> documents.add(new Document(id, text)));
    try (ForwardPass forward = model.newForwardPass();
        AnswerStream stream = engine.answer(documents.iterator(), engine.prepare(yesNo), forward, WindowObserver.NONE)) {
      while (stream.hasNext()) {
        QaResult result = stream.next();
        Row row = byDoc.get(result.docId());
        assertThat(row.getString(1)).isEqualTo(result.label().label());
        Map<String, Double> probabilities = row.getJavaMap(2);
        result.label().probabilities().forEach((label, p) ->
            assertThat(probabilities.get(label)).as(result.docId() + " " + label).isCloseTo(p, within(1e-5)));
        assertThat(row.getInt(3)).isEqualTo(result.windows());
        assertThat(row.getInt(4)).isEqualTo(result.label().evidenceStartChar());
        assertThat(row.getInt(5)).isEqualTo(result.label().evidenceEndChar());
      }
    }
    // --explain: every window of the first 2 documents, with label logits whose softmax the labels
    // table's probabilities come from (max over windows, renormalised).
    List<JsonNode> windows = explainLines(explain);
    assertThat(windows.stream().map(w -> w.get("doc_id").asText()).distinct()).hasSize(2);
    for (String docId : windows.stream().map(w -> w.get("doc_id").asText()).distinct().toList()) {
      Row row = byDoc.get(docId);
      List<JsonNode> own = windows.stream().filter(w -> w.get("doc_id").asText().equals(docId)).toList();
      assertThat(own).hasSize(row.getInt(3));
      double[] max = new double[2];
      for (JsonNode w : own) {
        assertThat(w.get("labels").toString()).isEqualTo("[\"no\",\"yes\"]");
        double no = w.get("label_logits").get(0).asDouble();
        double yes = w.get("label_logits").get(1).asDouble();
        double pYes = 1 / (1 + Math.exp(no - yes));
        max[0] = Math.max(max[0], 1 - pYes);
        max[1] = Math.max(max[1], pYes);
        assertThat(w.get("end_char").asInt()).isGreaterThan(w.get("start_char").asInt());
      }
      Map<String, Double> probabilities = row.getJavaMap(2);
      assertThat(probabilities.get("yes")).isCloseTo(max[1] / (max[0] + max[1]), within(1e-5));
    }

    Row run = spark.sql("SELECT model_name, classifier_name, label_rows, answer_rows FROM alone_runs").first();
    assertThat(run.getString(0)).isEqualTo("cls-bert-yesno");
    assertThat(run.getString(1)).isEqualTo("cls-bert-yesno");
    assertThat(run.getLong(2)).isEqualTo(texts.size());
    assertThat(run.getLong(3)).isZero();
  }

  private static List<JsonNode> explainLines(Path directory) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    try (var files = Files.list(directory)) {
      for (Path file : files.filter(p -> p.getFileName().toString().matches("labels-part-\\d{5}\\.jsonl")).toList()) {
        for (String line : Files.readAllLines(file)) {
          lines.add(json.readTree(line));
        }
      }
    }
    return lines;
  }

  @Test
  void aQueryWithoutAModelOfItsKindIsAConfigurationErrorBeforeAnyDataIsRead() {
    String classifier = SharedData.hfFixture("cls-bert-yesno").toString();
    String qa = TestModels.TINY_BERT.toString();
    String missingInput = tmp.resolve("no-such-corpus").toString();
    assertThatThrownBy(() -> new AnswerJob(spark, options("cfg", QUERIES, qa, null, RunMode.FULL)
        .setInput(missingInput).build()).run())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Cannot label queries [requires_performance_security] (task: classify)")
        .hasMessageContaining("add --classifier");
    assertThatThrownBy(() -> new AnswerJob(spark, options("cfg", QUERIES, classifier, null, RunMode.FULL)
        .setInput(missingInput).build()).run())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Cannot answer queries [performance_security] (task: answer)")
        .hasMessageContaining("give a question-answering model as --model and this one as --classifier");
    assertThatThrownBy(() -> new AnswerJob(spark, options("cfg", QUERIES, qa, qa, RunMode.FULL)
        .setInput(missingInput).build()).run())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Cannot use --classifier " + qa + ": it is a question-answering model");
    List<Query> wrongLabel = QueriesFile.parse("wrong.yaml", """
        queries:
          - id: positive
            task: classify
            positive_label: "да"
        """);
    assertThatThrownBy(() -> new AnswerJob(spark, options("cfg", wrongLabel, classifier, null, RunMode.FULL)
        .setInput(missingInput).build()).run())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("positive_label 'да' is not one of the model's labels [no, yes]");
    assertThat(spark.catalog().tableExists("qa.cfg_runs")).isFalse();
  }
}
