package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.corpusqa.model.ModelBundle;
import org.corpusqa.model.ModelCache;
import org.corpusqa.model.ModelFormat;
import org.corpusqa.model.ModelTask;
import org.corpusqa.model.QaModel;
import org.corpusqa.testing.Processes;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/make-test-model.py --task classification: the same seed written as a TorchScript bundle and
 * as a Hugging Face ONNX folder loads in both layouts with its labels, and the two give the same
 * logits on pairs and single texts, padded or not.
 */
class ClassificationToolModelsIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();

  @TempDir Path tmp;

  private Path make(String python, String name, String... extra) {
    Path out = tmp.resolve(name);
    List<String> command = new ArrayList<>(List.of(python, "tools/make-test-model.py", "--arch", "bert",
        "--task", "classification", "--seed", "3",
        "--tokenizer", TestModels.MODELS.resolve("test-tokenizer.json").toString(), "--out", out.toString()));
    command.addAll(List.of(extra));
    Processes.Result made = Processes.run(command, Map.of(), ROOT, 600);
    assertThat(made.exitCode()).as(made.all()).isZero();
    return out;
  }

  @Test
  void bundleAndHuggingFaceFolderOfOneModelGiveTheSameLogits() {
    String python = Processes.pythonWithTorch();
    assumeTrue(python != null, "needs a python3 with torch: apt-get install python3-torch");
    Path bundle = make(python, "bundle", "--labels", "нет,да,не знаю");
    Path folder = make(python, "folder", "--labels", "нет,да,не знаю", "--format", "onnx", "--layout", "hf");

    ModelBundle fromBundle = ModelBundle.open(bundle, ModelTask.TEXT_CLASSIFICATION);
    ModelBundle fromFolder = ModelBundle.open(folder, ModelTask.TEXT_CLASSIFICATION);
    assertThat(fromBundle.layout()).isEqualTo(ModelBundle.Layout.BUNDLE);
    assertThat(fromFolder.layout()).isEqualTo(ModelBundle.Layout.HUGGING_FACE);
    assertThat(fromFolder.format()).isEqualTo(ModelFormat.ONNX);
    assertThat(fromBundle.manifest().labels()).containsExactly("нет", "да", "не знаю");
    assertThat(fromFolder.manifest().labels()).containsExactly("нет", "да", "не знаю");

    QaModel torchscript = ModelCache.get(fromBundle, Device.cpu());
    QaModel onnx = ModelCache.get(fromFolder, Device.cpu());
    QaTokenizer tokenizer = torchscript.tokenizer();
    SingleTemplate single = tokenizer.singleTemplate();
    List<long[]> ids = new ArrayList<>();
    List<long[]> types = new ArrayList<>();
    for (String text : List.of("Обеспечение исполнения контракта не требуется.",
        "Поставщик обязуется поставить товар в срок, а заказчик обязуется принять и оплатить его.", "Цена.")) {
      int[] tokens = tokenizer.tokenize(text).ids();
      long[][] window = HandLaidWindows.single(single, tokens, 0, tokens.length);
      ids.add(window[0]);
      types.add(window[1]);
    }
    WindowBatch batch = WindowBatch.ofRows(ids, types, 0);
    try (ForwardPass a = torchscript.newForwardPass(); ForwardPass b = onnx.newForwardPass()) {
      float[] fromTorchScript = a.forward(batch).labels();
      float[] fromOnnx = b.forward(batch).labels();
      assertThat(fromTorchScript).hasSize(9);
      for (int i = 0; i < fromOnnx.length; i++) {
        assertThat(fromOnnx[i]).isCloseTo(fromTorchScript[i], org.assertj.core.data.Offset.offset(1e-4f));
      }
      // The logits spread as a trained model's do, not flat.
      assertThat(Math.abs(fromTorchScript[0] - fromTorchScript[1]) + Math.abs(fromTorchScript[1] - fromTorchScript[2]))
          .isGreaterThan(0.01f);
      // The bench's engine and host-only runs label every (document, query).
      List<Query> queries = List.of(new Query("yes_no", "требуется ли обеспечение?", DecodingSettings.DEFAULTS,
          Prefilter.OFF, new Classification(Aggregate.MAX, "да", 0.5)));
      List<Document> docs = org.corpusqa.bench.SyntheticCorpus.generate(6, 7);
      org.corpusqa.bench.Benchmark bench =
          new org.corpusqa.bench.Benchmark(torchscript, queries, EngineOptions.DEFAULTS, 1, 0.1);
      for (org.corpusqa.bench.Benchmark.EngineRun run : List.of(bench.engine(docs), bench.hostOnly(docs))) {
        assertThat(run.results()).hasSize(6).allSatisfy(r -> {
          assertThat(r.label()).isNotNull();
          assertThat(r.label().probabilities()).containsOnlyKeys("нет", "да", "не знаю");
        });
        assertThat(run.stats().windows()).isGreaterThanOrEqualTo(6);
      }
      // A row alone gives what it gave padded in the batch.
      float[] alone = a.forward(WindowBatch.ofRows(List.of(ids.get(2)), List.of(types.get(2)), 0)).labels();
      for (int l = 0; l < 3; l++) {
        assertThat(alone[l]).isCloseTo(fromTorchScript[6 + l], org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }
}
