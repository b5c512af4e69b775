package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.corpusqa.bench.Benchmark;
import org.corpusqa.model.ModelFormat;
import org.corpusqa.model.Precision;
import org.corpusqa.model.QaModel;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * The same weights (tiny-distilbert, seed 0) stored as ONNX, int8 and fp16 bundles answer as the
 * TorchScript fp32 bundle does: ONNX fp32 exactly, the cheaper precisions on almost every top answer.
 */
class ModelFormatsTest {
  private static final List<Query> QUERIES =
      List.of(
          new Query("performance_security", "обеспечение исполнения контракта", DecodingSettings.DEFAULTS),
          new Query("warranty_security", "обеспечение гарантийных обязательств", DecodingSettings.DEFAULTS),
          new Query("price", "цена контракта", DecodingSettings.DEFAULTS));

  @Test
  void onnxFp32AnswersExactlyAsTorchScript() throws IOException {
    QaModel onnx = TestModels.load(TestModels.MODELS.resolve("tiny-distilbert-onnx"));
    assertThat(onnx.bundle().format()).isEqualTo(ModelFormat.ONNX);
    assertThat(onnx.bundle().manifest().precision()).isEqualTo(Precision.FP32);
    List<QaResult> expected = answers(TestModels.load(TestModels.TINY_DISTILBERT));
    List<QaResult> got = answers(onnx);
    assertThat(got).hasSameSizeAs(expected);
    for (int i = 0; i < got.size(); i++) {
      Answer want = expected.get(i).answers().get(0);
      Answer have = got.get(i).answers().get(0);
      assertThat(have.startChar()).isEqualTo(want.startChar());
      assertThat(have.endChar()).isEqualTo(want.endChar());
      assertThat(have.score()).isCloseTo(want.score(), org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void cheaperPrecisionsKeepTheTopAnswers() throws IOException {
    List<QaResult> fp32 = answers(TestModels.load(TestModels.TINY_DISTILBERT));
    for (String name : List.of("tiny-distilbert-onnx-int8", "tiny-distilbert-int8", "tiny-distilbert-fp16")) {
      QaModel model = TestModels.load(TestModels.MODELS.resolve(name));
      assertThat(model.bundle().manifest().precision()).isNotEqualTo(Precision.FP32);
      double agreement = Benchmark.topAnswerAgreement(fp32, answers(model));
      System.out.printf("%s: %.3f of %d top answers identical to fp32%n", name, agreement, fp32.size());
      // int8 rounds every activation of the 2 tiny layers; the benchmark reports the full-size figure.
      assertThat(agreement).as(name).isGreaterThanOrEqualTo(0.97);
    }
  }

  /** Every paragraph of the sample contracts as a document, three questions each. */
  private static List<QaResult> answers(QaModel model) throws IOException {
    List<Document> docs = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    Path sample = Paths.get("jobs/sample/contracts.jsonl");
    for (String line : Files.readAllLines(sample)) {
      JsonNode row = json.readTree(line);
      String[] paragraphs = row.get("text").asText().split("\n\n");
      for (int p = 0; p < paragraphs.length; p++) {
        if (!paragraphs[p].isBlank()) {
          docs.add(new Document(row.get("doc_id").asText() + "#" + p, paragraphs[p]));
        }
      }
    }
    QaEngine engine = new QaEngine(model.tokenizer(), 384, EngineOptions.DEFAULTS);
    List<QaResult> results = new ArrayList<>();
    try (ForwardPass pass = model.newForwardPass()) {
      engine.answer(docs.iterator(), engine.prepare(QUERIES), pass, WindowObserver.NONE)
          .forEachRemaining(results::add);
    }
    results.sort(java.util.Comparator.comparing(QaResult::docId).thenComparing(r -> r.query().id()));
    return results;
  }
}
