package org.corpusqa.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.EvaluateOptions;
import org.corpusqa.digest.Sha256;
import org.corpusqa.eval.ClassificationData;
import org.corpusqa.eval.ClassificationMetrics;
import org.corpusqa.eval.EvalFormat;
import org.corpusqa.eval.EvaluationResult;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.ModelTask;
import org.corpusqa.model.QaModel;
import org.corpusqa.qa.Aggregate;
import org.corpusqa.qa.AnswerStream;
import org.corpusqa.qa.Classification;
import org.corpusqa.qa.DecodingKey;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.DocumentQuestions;
import org.corpusqa.qa.EngineOptions;
import org.corpusqa.qa.ForwardPass;
import org.corpusqa.qa.Prefilter;
import org.corpusqa.qa.QaEngine;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.Query;
import org.corpusqa.qa.WindowObserver;
import org.corpusqa.testing.SharedData;
import org.corpusqa.testing.SparkTestSession;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate --format yesno | glue} through the labelling path, against the engine and the metrics' definitions. */
class ClassifyEvaluateJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SparkSession SPARK = SparkTestSession.get();

  @TempDir Path tmp;

  private EvaluationResult evaluate(Path data, List<ClassificationData.Example> examples, EvalFormat format,
      String model, DecodingSettings settings, Aggregate aggregate, String out) throws IOException {
    return new ClassifyEvaluateJob(SPARK, examples, format, data.toString(), Sha256.ofFile(data),
        new EvaluateOptions(model, settings, tmp.resolve(out), "qa.cls_evaluations", EngineOptions.DEFAULTS,
            Prefilter.OFF, aggregate)).run();
  }

  @Test
  void yesNoPredictionsAreTheEnginesLabelsAndTheMetricsTheirs() throws IOException {
    Path model = SharedData.hfFixture("cls-bert-yesno");
    Path data = tmp.resolve("yesno.jsonl");
    List<String> lines = new ArrayList<>();
    String longPassage = "the contract requires a performance security of five percent . ".repeat(60);
    for (int i = 0; i < 12; i++) {
      lines.add(JSON.writeValueAsString(Map.of("id", "q" + i, "question", i % 3 == 0 ? "is a security required"
          : "does the supplier pay a penalty", "passage", i % 4 == 0 ? longPassage : "the supplier pays " + i
          + " roubles of penalty for each day of delay .", "label", i % 2 == 0)));
    }
    Files.write(data, lines);
    List<ClassificationData.Example> examples = ClassificationData.yesNo(data);
    // Short windows, so that the long passages have several: aggregate max reads them all.
    DecodingSettings settings = DecodingSettings.DEFAULTS.withAll(Map.of(DecodingKey.MAX_SEQ_LEN, 128,
        DecodingKey.DOC_STRIDE, 32));
    EvaluationResult result = evaluate(data, examples, EvalFormat.YESNO, model.toString(), settings, Aggregate.MAX,
        "yesno");

    Map<String, String> predictions = new LinkedHashMap<>();
    JSON.readTree(tmp.resolve("yesno/predictions.json").toFile()).fields()
        .forEachRemaining(e -> predictions.put(e.getKey(), e.getValue().asText()));
    assertThat(predictions.keySet()).containsExactlyElementsOf(examples.stream().map(ClassificationData.Example::id).toList());

    QaModel loaded = ModelCache.get(ModelBundle.open(model, ModelTask.TEXT_CLASSIFICATION), Device.cpu());
    List<String> labels = loaded.bundle().manifest().labels();
    QaEngine engine = new QaEngine(loaded.tokenizer(), loaded.bundle().manifest().maxSeqLen(), EngineOptions.DEFAULTS,
        labels);
    List<DocumentQuestions> asked = new ArrayList<>();
    for (ClassificationData.Example e : examples) {
      asked.add(new DocumentQuestions(new Document(e.id(), e.text()), List.of(engine.prepare(new Query(e.id(),
          e.question(), settings, Prefilter.OFF, new Classification(Aggregate.MAX, null, 0.5))))));
    }
    Map<String, String> direct = new HashMap<>();
    int multiWindow = 0;
    try (ForwardPass forward = loaded.newForwardPass();
        AnswerStream stream = engine.answerEach(asked.iterator(), forward, WindowObserver.NONE)) {
      while (stream.hasNext()) {
        QaResult r = stream.next();
        direct.put(r.query().id(), r.label().label());
        multiWindow += r.windows() > 1 ? 1 : 0;
      }
    }
    assertThat(multiWindow).isEqualTo(3);
    assertThat(predictions).containsExactlyInAnyOrderEntriesOf(direct);

    Map<String, String> gold = new LinkedHashMap<>();
    examples.forEach(e -> gold.put(e.id(), labels.get(e.label())));
    Map<String, Object> expected = ClassificationMetrics.of(gold, predictions);
    assertThat(result.metrics()).isEqualTo(expected);
    JsonNode written = JSON.readTree(tmp.resolve("yesno/metrics.json").toFile());
    assertThat(written.get("accuracy").asDouble()).isEqualTo((Double) expected.get("accuracy"));
    assertThat(written.get("labels").toString()).isIn("[\"no\",\"yes\"]", "[\"no\"]", "[\"yes\"]");

    Row row = SPARK.sql("SELECT format, questions, exact, accuracy, macro_f1, matthews_corrcoef, settings_json,"
        + " dataset_sha256 FROM qa.cls_evaluations WHERE run_id = '" + result.runId() + "'").first();
    assertThat(row.getString(0)).isEqualTo("yesno");
    assertThat(row.getInt(1)).isEqualTo(12);
    assertThat(row.isNullAt(2)).isTrue();
    assertThat(row.getDouble(3)).isEqualTo((Double) expected.get("accuracy"));
    assertThat(row.getDouble(4)).isEqualTo((Double) expected.get("macro_f1"));
    assertThat(row.getDouble(5)).isEqualTo((Double) expected.get("matthews_corrcoef"));
    assertThat(row.getString(6)).contains("\"aggregate\":\"max\"").contains("\"max_seq_len\":128");
    assertThat(row.getString(7)).isEqualTo(Sha256.ofFile(data));
  }

  @Test
  void aQuestionAnsweringModelOrClassesTheModelLacksAreConfigurationErrors() throws IOException {
    Path data = Files.writeString(tmp.resolve("three.tsv"), "sentence\tlabel\ngood\t1\nbad\t0\nmeh\t2\n");
    List<ClassificationData.Example> examples = ClassificationData.glue(data);
    assertThatThrownBy(() -> evaluate(data, examples, EvalFormat.GLUE, TestModels.TINY_BERT.toString(),
        DecodingSettings.DEFAULTS, Aggregate.FIRST, "qa"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("it is a question-answering model; give a text-classification model");
    Path model = SharedData.hfFixture("cls-distilbert-sentiment");
    assertThatThrownBy(() -> evaluate(data, examples, EvalFormat.GLUE, model.toString(), DecodingSettings.DEFAULTS,
        Aggregate.FIRST, "classes"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the data has class 2 but the model has 2 labels");
  }
}
