package org.corpusqa.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.EvaluateOptions;
import org.corpusqa.eval.EvalDataReader;
import org.corpusqa.eval.EvalDataset;
import org.corpusqa.eval.EvalFormat;
import org.corpusqa.eval.EvalInput;
import org.corpusqa.eval.EvalQuestion;
import org.corpusqa.eval.EvaluationResult;
import org.corpusqa.qa.DecodingKey;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.Prefilter;
import org.corpusqa.testing.SparkTestSession;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateJobTest {
  private static final Path SHARED = Paths.get(System.getProperty("corpusqa.shared", "../shared"));
  private static final Path CONTRACTS = Paths.get("src/test/resources/eval/contracts-sample.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SparkSession SPARK = SparkTestSession.get();

  @TempDir Path tmp;

  private EvaluationResult evaluate(Path data, EvalInput input, boolean impossible, String out) {
    return evaluate(data, input, impossible, out, Prefilter.OFF);
  }

  private EvaluationResult evaluate(Path data, EvalInput input, boolean impossible, String out, Prefilter prefilter) {
    DecodingSettings settings = DecodingSettings.DEFAULTS.with(DecodingKey.HANDLE_IMPOSSIBLE_ANSWER, impossible);
    return new EvaluateJob(SPARK, EvalDataReader.read(data, input), new EvaluateOptions(TestModels.TINY_BERT.toString(),
        settings, tmp.resolve(out), "qa.evaluations", EngineOptions.DEFAULTS, prefilter, EvaluateOptions.DEFAULT_AGGREGATE)).run();
  }

  private static Path shared(String file) {
    Path path = SHARED.resolve(file);
    assumeTrue(Files.isRegularFile(path), "needs ../shared: " + path + " not found");
    return path;
  }

  private Map<String, Object> readMetrics(String out) throws IOException {
    return JSON.readValue(tmp.resolve(out).resolve("metrics.json").toFile(), Map.class);
  }

  @Test
  void squadV20OnSharedDataPredictsEveryQuestion() throws IOException {
    Path data = shared("data/qa/squad-v2.0-dev-5-articles.json");
    EvaluationResult result = evaluate(data, EvalInput.SQUAD, true, "v2");
    assertThat(result.format()).isEqualTo(EvalFormat.SQUAD_V2_0);
    EvalDataset dataset = EvalDataReader.read(data, EvalInput.SQUAD);
    JsonNode predictions = JSON.readTree(tmp.resolve("v2/predictions.json").toFile());
    JsonNode naProbs = JSON.readTree(tmp.resolve("v2/na_probs.json").toFile());
    assertThat(predictions.size()).isEqualTo(1407);
    assertThat(naProbs.size()).isEqualTo(1407);
    // Files list questions in data order: the threshold sweep's ties depend on it.
    Iterator<String> ids = naProbs.fieldNames();
    for (EvalQuestion q : dataset.questions()) {
      assertThat(ids.next()).isEqualTo(q.id());
      assertThat(naProbs.get(q.id()).asDouble()).isBetween(0.0, 1.0);
    }
    Map<String, Object> m = readMetrics("v2");
    assertThat(m.keySet()).containsExactly("exact", "f1", "total", "HasAns_exact", "HasAns_f1", "HasAns_total",
        "NoAns_exact", "NoAns_f1", "NoAns_total", "best_exact", "best_exact_thresh", "best_f1", "best_f1_thresh");
    assertThat(m).containsEntry("total", 1407).containsEntry("HasAns_total", 705).containsEntry("NoAns_total", 702);
    assertThat((Double) m.get("exact")).isLessThanOrEqualTo((Double) m.get("f1"));
    assertThat(result.metrics()).isEqualTo(EvaluateJob.metrics(EvalFormat.SQUAD_V2_0, dataset.questions(),
        toMap(predictions), toProbs(naProbs)));

    List<Row> rows = SPARK.sql("SELECT model_sha256, dataset_sha256, format, questions, exact, best_f1_thresh"
        + " FROM evaluations WHERE run_id = '" + result.runId() + "'").collectAsList();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getString(1)).isEqualTo(dataset.sha256());
    assertThat(rows.get(0).getString(2)).isEqualTo("squad_v2.0");
    assertThat(rows.get(0).getInt(3)).isEqualTo(1407);
  }

  @Test
  void squadV11OnRussianXquad() throws IOException {
    Path data = shared("data/qa/xquad.ru.json");
    EvaluationResult result = evaluate(data, EvalInput.SQUAD, false, "ru");
    assertThat(result.format()).isEqualTo(EvalFormat.SQUAD_V1_1);
    assertThat(JSON.readTree(tmp.resolve("ru/predictions.json").toFile()).size()).isEqualTo(1190);
    assertThat(tmp.resolve("ru/na_probs.json")).doesNotExist();
    Map<String, Object> m = readMetrics("ru");
    assertThat(m.keySet()).containsExactly("exact_match", "f1");
    assertThat((Double) m.get("exact_match")).isLessThanOrEqualTo((Double) m.get("f1"));
  }

  @Test
  void goldPredictionsScore100OnTheSharedSets() throws IOException {
    Path v2 = shared("data/qa/squad-v2.0-dev-5-articles.json");
    List<EvalQuestion> questions = EvalDataReader.read(v2, EvalInput.SQUAD).questions();
    Map<String, String> gold = new LinkedHashMap<>();
    LinkedHashMap<String, Double> zero = new LinkedHashMap<>();
    for (EvalQuestion q : questions) {
      gold.put(q.id(), q.hasAnswer() ? q.answers().get(0) : "");
      zero.put(q.id(), 0.0);
    }
    Map<String, Object> m = EvaluateJob.metrics(EvalFormat.SQUAD_V2_0, questions, gold, zero);
    assertThat(m).containsEntry("exact", 100.0).containsEntry("f1", 100.0);

    List<EvalQuestion> ru = EvalDataReader.read(shared("data/qa/xquad.ru.json"), EvalInput.SQUAD).questions();
    Map<String, String> ruGold = new LinkedHashMap<>();
    ru.forEach(q -> ruGold.put(q.id(), q.answers().get(0)));
    assertThat(EvaluateJob.metrics(EvalFormat.SQUAD_V1_1, ru, ruGold, null))
        .containsEntry("exact_match", 100.0).containsEntry("f1", 100.0);
  }

  @Test
  void contractsScoreAsTheSameDataInSquadV20FormatAndPerQuery() throws IOException {
    EvaluationResult contracts = evaluate(CONTRACTS, EvalInput.CONTRACTS, true, "contracts");
    Path squad = tmp.resolve("contracts-as-squad.json");
    Files.writeString(squad, JSON.writeValueAsString(toSquad(JSON.readTree(CONTRACTS.toFile()))));
    EvaluationResult asSquad = evaluate(squad, EvalInput.SQUAD, true, "as-squad");
    Map<String, Object> m = readMetrics("contracts");
    @SuppressWarnings("unchecked")
    Map<String, Object> perQuery = (Map<String, Object>) m.remove("per_query");
    assertThat(m).isEqualTo(readMetrics("as-squad"));
    assertThat(perQuery).containsOnlyKeys("обеспечение исполнения контракта", "обеспечение гарантийных обязательств");
    @SuppressWarnings("unchecked")
    Map<String, Object> performance = (Map<String, Object>) perQuery.get("обеспечение исполнения контракта");
    assertThat(performance).containsEntry("total", 8);
    assertThat(asSquad.format()).isEqualTo(EvalFormat.SQUAD_V2_0);
    assertThat(contracts.questions()).isEqualTo(16);
  }

  @Test
  void aPrefilteredEvaluationReportsTheWindowsReadAndTheGoldAnswersInsideThem() throws IOException {
    evaluate(CONTRACTS, EvalInput.CONTRACTS, true, "prefiltered", new Prefilter(1, 1));
    @SuppressWarnings("unchecked")
    Map<String, Object> report = (Map<String, Object>) readMetrics("prefiltered").get("prefilter");
    // 16 questions of 8 contracts; the long contract (24 windows) is read one window per question.
    assertThat(report).containsEntry("top_windows", 1).containsEntry("min_windows", 1)
        .containsEntry("windows_read", 16).containsEntry("gold_answers", 6)
        .containsEntry("gold_answers_in_windows_read", 6).containsEntry("window_recall", 1.0);
    assertThat(((Number) report.get("windows_total")).intValue()).isGreaterThan(16 + 2 * 20);
    assertThat(readMetrics("prefiltered")).containsKeys("exact", "f1", "per_query");
  }

  /** The contract records as a SQuAD v2.0 file: one paragraph and question per record. */
  static ObjectNode toSquad(JsonNode contracts) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "v2.0");
    ArrayNode data = root.putArray("data");
    for (JsonNode record : contracts) {
      ObjectNode paragraph = data.addObject().putArray("paragraphs").addObject();
      paragraph.put("context", record.get("text").asText());
      ObjectNode qa = paragraph.putArray("qas").addObject();
      qa.put("id", record.get("id").asText());
      qa.put("question", record.get("label").asText());
      ArrayNode answers = qa.putArray("answers");
      JsonNode texts = record.get("extracted_part").get("text");
      for (int i = 0; i < texts.size(); i++) {
        if (!texts.get(i).asText().isEmpty()) {
          answers.addObject().put("text", texts.get(i).asText())
              .put("answer_start", record.get("extracted_part").get("answer_start").get(i).asInt());
        }
      }
      qa.put("is_impossible", answers.isEmpty());
    }
    return root;
  }

  private static Map<String, String> toMap(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  private static LinkedHashMap<String, Double> toProbs(JsonNode node) {
    LinkedHashMap<String, Double> map = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asDouble()));
    return map;
  }
}
