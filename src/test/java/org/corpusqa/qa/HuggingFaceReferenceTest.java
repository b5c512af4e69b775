package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelInput;
import org.corpusqa.model.QaModel;
import org.corpusqa.testing.SharedData;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine against Hugging Face itself: the folders in ../shared/fixtures/hf were made by
 * transformers 5.17 / torch 2.11, with the tokenizer's ids and offsets and the model's logits on
 * five English and Russian (question, context) pairs. Through the engine, each pair's first window
 * (Hugging Face truncated the context at 384 tokens, as the pipeline's first window does) must have
 * the same ids, token types and character offsets, and logits within 1e-4, whether its batch was
 * padded to a longer window or not. The folders load as they are, without a corpusqa-model.json.
 */
class HuggingFaceReferenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double LOGIT_TOLERANCE = 1e-4;

  /** One window as the engine sent it to the model, with the logits that came back. */
  private record SeenWindow(long[] ids, long[] types, int[][] offsets, float[] start, float[] end) {}

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"qa-bert", "qa-distilbert", "qa-xlm-roberta"})
  void everyReferenceWindowHasHuggingFacesTokensOffsetsAndLogits(String name) throws IOException {
    Path folder = SharedData.hfFixture(name);
    JsonNode examples = JSON.readTree(folder.resolve("reference.json").toFile()).get("examples");
    ModelBundle bundle = ModelBundle.open(folder);
    assertThat(bundle.layout()).isEqualTo(ModelBundle.Layout.HUGGING_FACE);
    QaModel model = TestModels.load(folder);

    // Padded: all five in batches cut by the default token budget, so shorter windows are padded
    // to longer ones; alone: one window per batch, no padding at all.
    EngineOptions padded = new EngineOptions(4096, 64, 256);
    EngineOptions alone = new EngineOptions(4096, 1, 256);
    Map<Integer, SeenWindow> paddedWindows = run(model, examples, padded);
    Map<Integer, SeenWindow> aloneWindows = run(model, examples, alone);
    assertThat(paddedWindows).hasSize(examples.size());

    boolean takesTokenTypes = model.inputs().contains(ModelInput.TOKEN_TYPE_IDS);
    for (int e = 0; e < examples.size(); e++) {
      JsonNode example = examples.get(e);
      for (SeenWindow seen : List.of(paddedWindows.get(e), aloneWindows.get(e))) {
        String what = name + " example " + e;
        assertThat(seen.ids()).as(what + " input_ids").containsExactly(longs(example.get("input_ids")));
        if (takesTokenTypes) {
          assertThat(seen.types()).as(what + " token_type_ids").containsExactly(longs(example.get("token_type_ids")));
        }
        int[][] offsets = new int[example.get("offsets").size()][];
        for (int t = 0; t < offsets.length; t++) {
          offsets[t] = new int[] {example.get("offsets").get(t).get(0).asInt(), example.get("offsets").get(t).get(1).asInt()};
        }
        assertThat(seen.offsets()).as(what + " offsets").isDeepEqualTo(offsets);
        assertWithin(what + " start_logits", seen.start(), example.get("start_logits"));
        assertWithin(what + " end_logits", seen.end(), example.get("end_logits"));
      }
    }
  }

  private static Map<Integer, SeenWindow> run(QaModel model, JsonNode examples, EngineOptions options) {
    QaEngine engine = new QaEngine(model.tokenizer(), model.bundle().manifest().maxSeqLen(), options);
    List<DocumentQuestions> documents = new ArrayList<>();
    for (int e = 0; e < examples.size(); e++) {
      JsonNode example = examples.get(e);
      Query query = new Query("q" + e, example.get("question").asText(), DecodingSettings.DEFAULTS);
      documents.add(new DocumentQuestions(new Document(Integer.toString(e), example.get("context").asText()),
          List.of(engine.prepare(query))));
    }
    Map<Integer, SeenWindow> firstWindows = new HashMap<>();
    WindowObserver observer = (window, logits, rowOffset) -> {
      if (window.index() == 0) {
        firstWindows.put(Integer.parseInt(window.work().document().id()), seen(window, logits, rowOffset));
      }
    };
    try (ForwardPass forward = model.newForwardPass()) {
      engine.answerEach(documents.iterator(), forward, observer).forEachRemaining(result -> {});
    }
    return firstWindows;
  }

  /** The window's ids and offsets as Hugging Face lays them out: [0, 0] for special tokens. */
  private static SeenWindow seen(Window window, BatchLogits logits, int rowOffset) {
    int length = window.length();
    long[] ids = new long[length];
    long[] types = new long[length];
    window.write(ids, types, 0);
    int[] sequence = window.sequenceIds();
    TokenizedText question = window.work().question();
    TokenizedText context = window.work().context();
    int questionStart = window.work().template().prefixIds().length;
    int[][] offsets = new int[length][];
    for (int i = 0; i < length; i++) {
      if (sequence[i] == 0) {
        offsets[i] = new int[] {question.starts()[i - questionStart], question.ends()[i - questionStart]};
      } else if (sequence[i] == 1) {
        int token = window.contextFrom() + i - window.contextStart();
        offsets[i] = new int[] {context.starts()[token], context.ends()[token]};
      } else {
        offsets[i] = new int[] {0, 0};
      }
    }
    return new SeenWindow(ids, types, offsets,
        Arrays.copyOfRange(logits.start(), rowOffset, rowOffset + length),
        Arrays.copyOfRange(logits.end(), rowOffset, rowOffset + length));
  }

  private static void assertWithin(String what, float[] actual, JsonNode expected) {
    assertThat(actual).as(what + " length").hasSize(expected.size());
    double worst = 0;
    int worstAt = -1;
    for (int i = 0; i < actual.length; i++) {
      double diff = Math.abs(actual[i] - expected.get(i).asDouble());
      if (diff > worst) {
        worst = diff;
        worstAt = i;
      }
    }
    assertThat(worst).as(what + ": largest difference, at token " + worstAt).isLessThanOrEqualTo(LOGIT_TOLERANCE);
  }

  private static long[] longs(JsonNode array) {
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asLong();
    }
    return values;
  }
}
