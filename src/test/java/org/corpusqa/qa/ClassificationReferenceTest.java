package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelBundleException;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.ModelInput;
import org.corpusqa.model.ModelTask;
import org.corpusqa.model.QaModel;
import org.corpusqa.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sequence-classification folders made by transformers 5.17 (../shared/fixtures/hf/cls-*), loaded
 * as they are: their labels from id2label, and on each of the five reference inputs (question and
 * passage pairs, or a text alone) the Hugging Face tokenizer's ids and the model's probabilities
 * within 1e-4, in a padded batch of all five and one by one. Hugging Face truncated the passage
 * (pairs, at 384 tokens) or the text (at 256), as a first window does.
 */
class ClassificationReferenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double TOLERANCE = 1e-4;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cls-bert-yesno", "cls-distilbert-sentiment", "cls-xlm-roberta-nli"})
  void everyReferenceInputHasHuggingFacesIdsAndProbabilities(String name) throws IOException {
    Path folder = SharedData.hfFixture(name);
    JsonNode reference = JSON.readTree(folder.resolve("reference.json").toFile());
    JsonNode examples = reference.get("examples");
    ModelBundle bundle = ModelBundle.open(folder, ModelTask.TEXT_CLASSIFICATION);
    JsonNode id2label = JSON.readTree(folder.resolve("config.json").toFile()).get("id2label");
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < id2label.size(); i++) {
      labels.add(id2label.get(Integer.toString(i)).asText());
    }
    assertThat(bundle.manifest().labels()).isEqualTo(labels);
    QaModel model = ModelCache.get(bundle, Device.cpu());
    boolean pairs = examples.get(0).has("question");
    QaTokenizer tokenizer = model.tokenizer();

    List<long[]> ids = new ArrayList<>();
    List<long[]> types = new ArrayList<>();
    for (JsonNode example : examples) {
      long[][] window = pairs
          ? pairWindow(tokenizer, example.get("question").asText(), example.get("context").asText(), 384)
          : singleWindow(tokenizer, example.get("text").asText(), 256);
      assertThat(window[0]).as(name + " input_ids").containsExactly(longs(example.get("input_ids")));
      if (example.has("token_type_ids") && model.inputs().contains(ModelInput.TOKEN_TYPE_IDS)) {
        assertThat(window[1]).as(name + " token_type_ids").containsExactly(longs(example.get("token_type_ids")));
      }
      ids.add(window[0]);
      types.add(window[1]);
    }
    int padId = bundle.manifest().padTokenId();
    try (ForwardPass pass = model.newForwardPass()) {
      float[] batched = pass.forward(WindowBatch.ofRows(ids, types, padId)).labels();
      for (int e = 0; e < examples.size(); e++) {
        float[] alone = pass.forward(WindowBatch.ofRows(List.of(ids.get(e)), List.of(types.get(e)), padId)).labels();
        double[] fromBatch = LabelAggregator.softmax(batched, e * labels.size(), labels.size());
        for (double[] probabilities : List.of(fromBatch, LabelAggregator.softmax(alone, 0, labels.size()))) {
          JsonNode want = examples.get(e).get("probabilities");
          for (int l = 0; l < labels.size(); l++) {
            assertThat(Math.abs(probabilities[l] - want.get(l).asDouble()))
                .as("%s example %d label %s", name, e, labels.get(l)).isLessThanOrEqualTo(TOLERANCE);
          }
        }
      }
    }
  }

  @Test
  void aClassificationFolderIsNotAnsweredWithAndAQaFolderGivesNoLabels() {
    Path classifier = SharedData.hfFixture("cls-distilbert-sentiment");
    Path qa = SharedData.hfFixture("qa-distilbert");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelBundle.open(classifier))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageContaining("not a question-answering model (*ForQuestionAnswering)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelBundle.open(qa, ModelTask.TEXT_CLASSIFICATION))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageContaining("not a text-classification model (*ForSequenceClassification)")
        .hasMessageContaining("export an AutoModelForSequenceClassification");
  }

  /** [CLS] question [SEP] passage [SEP], the passage cut so that the pair fits {@code maxLen} (only_second). */
  private static long[][] pairWindow(QaTokenizer tokenizer, String question, String passage, int maxLen) {
    PairTemplate t = tokenizer.template();
    int[] q = tokenizer.tokenize(question).ids();
    int[] p = tokenizer.tokenize(passage).ids();
    int room = Math.min(p.length, maxLen - t.specialTokenCount() - q.length);
    List<long[]> parts = List.of(
        row(t.prefixIds()), row(q), row(t.middleIds()), row(java.util.Arrays.copyOf(p, room)), row(t.suffixIds()));
    List<long[]> typeParts = List.of(row(t.prefixTypes()), filled(q.length, t.questionType()), row(t.middleTypes()),
        filled(room, t.contextType()), row(t.suffixTypes()));
    return new long[][] {concat(parts), concat(typeParts)};
  }

  private static long[][] singleWindow(QaTokenizer tokenizer, String text, int maxLen) {
    SingleTemplate t = tokenizer.singleTemplate();
    int[] tokens = tokenizer.tokenize(text).ids();
    return HandLaidWindows.single(t, tokens, 0, Math.min(tokens.length, maxLen - t.specialTokenCount()));
  }

  private static long[] row(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private static long[] filled(int length, int value) {
    long[] out = new long[length];
    java.util.Arrays.fill(out, value);
    return out;
  }

  private static long[] concat(List<long[]> parts) {
    long[] out = new long[parts.stream().mapToInt(p -> p.length).sum()];
    int at = 0;
    for (long[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private static long[] longs(JsonNode array) {
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asLong();
    }
    return values;
  }
}
