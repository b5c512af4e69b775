package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.ModelTask;
import org.corpusqa.model.QaModel;
import org.corpusqa.testing.SharedData;
import org.junit.jupiter.api.Test;

/**
 * Classification queries through the engine's stream: windows cut as for questions, batched,
 * labelled, and combined per document by the query's rule.
 */
class ClassificationStreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> YES_NO = List.of("no", "yes");

  @Test
  void firstWindowsGiveHuggingFacesProbabilitiesForPairsAndSingleTexts() throws IOException {
    // Hugging Face truncated each input to one window (384 tokens for pairs, 256 for single texts);
    // aggregate "first" reads exactly that window.
    for (String name : List.of("cls-bert-yesno", "cls-distilbert-sentiment", "cls-xlm-roberta-nli")) {
      Path folder = SharedData.hfFixture(name);
      QaModel model = ModelCache.get(ModelBundle.open(folder, ModelTask.TEXT_CLASSIFICATION), Device.cpu());
      List<String> labels = model.bundle().manifest().labels();
      JsonNode examples = JSON.readTree(folder.resolve("reference.json").toFile()).get("examples");
      QaEngine engine = new QaEngine(model.tokenizer(), model.bundle().manifest().maxSeqLen(),
          new EngineOptions(4096, 64, 256), labels);
      int maxSeqLen = examples.get(0).has("question") ? 384 : 256;
      List<DocumentQuestions> documents = new ArrayList<>();
      for (int e = 0; e < examples.size(); e++) {
        JsonNode example = examples.get(e);
        boolean pair = example.has("question");
        Query query = new Query("q", pair ? example.get("question").asText() : "",
            DecodingSettings.DEFAULTS.with(DecodingKey.MAX_SEQ_LEN, maxSeqLen),
            Prefilter.OFF, new Classification(Aggregate.FIRST, null, 0));
        String text = pair ? example.get("context").asText() : example.get("text").asText();
        documents.add(new DocumentQuestions(new Document(Integer.toString(e), text), List.of(engine.prepare(query))));
      }
      List<QaResult> results = new ArrayList<>();
      try (ForwardPass pass = model.newForwardPass()) {
        engine.answerEach(documents.iterator(), pass, WindowObserver.NONE).forEachRemaining(results::add);
      }
      assertThat(results).hasSize(examples.size());
      for (QaResult result : results) {
        JsonNode want = examples.get(Integer.parseInt(result.docId())).get("probabilities");
        LabelAggregator.Decision label = result.label();
        assertThat(result.windows()).as(name).isPositive();
        assertThat(result.answers()).isEmpty();
        int best = 0;
        for (int l = 0; l < labels.size(); l++) {
          assertThat(label.probabilities().get(labels.get(l))).as("%s %s %s", name, result.docId(), labels.get(l))
              .isCloseTo(want.get(l).asDouble(), within(1e-4));
          best = want.get(l).asDouble() > want.get(best).asDouble() ? l : best;
        }
        assertThat(label.label()).isEqualTo(labels.get(best));
        assertThat(label.evidenceStartChar()).isZero();
        if (result.windows() == 1) {
          assertThat(label.evidenceEndChar()).isEqualTo(result.document().text().strip().length());
        }
      }
    }
  }

  /** "yes" is likely only in windows that hold the word "обеспечение". */
  private static ForwardPass scripted() {
    return new ForwardPass() {
      @Override
      public BatchLogits forward(WindowBatch batch) {
        float[] logits = new float[batch.rows() * 2];
        for (int row = 0; row < batch.rows(); row++) {
          Window w = batch.windows().get(row);
          String text = w.work().document().text()
              .substring(w.work().windowStartChar(w.index()), w.work().windowEndChar(w.index()));
          logits[row * 2 + 1] = text.contains("обеспечение") ? 3f : -2f;
        }
        return BatchLogits.ofLabels(logits);
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void aLongDocumentsWindowsCombineByTheQuerysRuleWithTheEvidenceWindow() {
    String filler = EngineFixtures.longText(6_000);
    String text = filler + " Требуется обеспечение исполнения контракта. " + filler;
    QaEngine engine = new QaEngine(EngineFixtures.tokenizer(), 384, new EngineOptions(1024, 64, 256), YES_NO);
    List<Query> queries = new ArrayList<>();
    for (Aggregate rule : Aggregate.values()) {
      queries.add(new Query(rule.key(), "требуется ли обеспечение?", DecodingSettings.DEFAULTS, Prefilter.OFF,
          new Classification(rule, null, 0)));
    }
    queries.add(new Query("threshold", "требуется ли обеспечение?", DecodingSettings.DEFAULTS, Prefilter.OFF,
        new Classification(Aggregate.MEAN, "yes", 0.1)));
    List<QaResult> results = new ArrayList<>();
    engine.answer(List.of(new Document("long", text)).iterator(), engine.prepare(queries), scripted(),
        WindowObserver.NONE).forEachRemaining(results::add);
    assertThat(results).hasSize(4);
    double pYes = 1 / (1 + Math.exp(-3));
    double pNo = 1 / (1 + Math.exp(-2));
    for (QaResult r : results) {
      LabelAggregator.Decision d = r.label();
      assertThat(r.windows()).isGreaterThan(5).isEqualTo(d.windows());
      switch (r.query().id()) {
        case "first" -> {
          assertThat(d.label()).isEqualTo("no");
          assertThat(d.score()).isCloseTo(pNo, within(1e-6));
          assertThat(d.evidenceStartChar()).isZero();
        }
        case "max" -> {
          assertThat(d.label()).isEqualTo("yes");
          assertThat(d.score()).isCloseTo(pYes / (pYes + pNo), within(1e-6));
          // The first window holding the clause, which starts before it and ends after it.
          assertThat(d.evidenceStartChar()).isLessThan(text.indexOf("обеспечение"));
          assertThat(d.evidenceEndChar()).isGreaterThan(text.indexOf("обеспечение"));
        }
        case "mean" -> {
          assertThat(d.label()).isEqualTo("no");
          assertThat(d.probabilities().get("yes")).isBetween(1 - pNo, 0.5);
        }
        case "threshold" -> {
          assertThat(d.label()).isEqualTo("yes");
          assertThat(d.evidenceEndChar()).isGreaterThan(text.indexOf("обеспечение"));
        }
        default -> throw new AssertionError(r.query().id());
      }
    }
  }

  @Test
  void eachKindOfQueryNeedsAModelOfItsKind() {
    QaEngine classifier = new QaEngine(EngineFixtures.tokenizer(), 384, EngineOptions.DEFAULTS, YES_NO);
    QaEngine answerer = new QaEngine(EngineFixtures.tokenizer(), 384, EngineOptions.DEFAULTS);
    Query label = new Query("label", "", DecodingSettings.DEFAULTS, Prefilter.OFF, new Classification(Aggregate.MAX, null, 0));
    assertThatThrownBy(() -> classifier.prepare(new Query("q", "вопрос", DecodingSettings.DEFAULTS)))
        .hasMessageContaining("it asks for an answer, and this model gives labels [no, yes]");
    assertThatThrownBy(() -> answerer.prepare(label)).hasMessageContaining("it asks for a label, and this model answers");
    assertThat(classifier.prepare(label).question().size()).isZero();
  }
}
