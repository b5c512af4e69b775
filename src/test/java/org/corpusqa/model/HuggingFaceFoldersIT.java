package org.corpusqa.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.corpusqa.testing.Processes;
import org.corpusqa.testing.Processes.Result;
import org.corpusqa.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hugging Face folder as transformers 5.17 wrote it (../shared/fixtures/hf/qa-xlm-roberta: no
 * corpusqa-model.json), through jobs/corpus-qa: `run` answers long Russian and English documents and
 * every answer row agrees with an independent decoding of the explained logits
 * (tools/check-explain.py); the same export in a hub repository's layout (onnx/model.onnx beside
 * PyTorch weights and a model card) gives the same answers; `model check` reports good and broken
 * folders with the right exit codes.
 */
class HuggingFaceFoldersIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static Result corpusQa(String... args) {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("jobs/corpus-qa").toString()));
    command.addAll(List.of(args));
    return Processes.run(command, Map.of(), ROOT, 900);
  }

  @Test
  void runsAFolderWithoutManifestAndItsHubLayoutAlike() throws IOException {
    Path folder = SharedData.hfFixture("qa-xlm-roberta");
    Path hub = tmp.resolve("xlmr-hub");
    Files.createDirectories(hub.resolve("onnx"));
    for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
      Files.copy(folder.resolve(file), hub.resolve(file));
    }
    Files.copy(folder.resolve("model.onnx"), hub.resolve("onnx/model.onnx"));
    Files.writeString(hub.resolve("model.safetensors"), "PyTorch weights corpus-qa does not read");
    Files.writeString(hub.resolve("README.md"), "# model card");

    Path corpus = tmp.resolve("corpus.jsonl");
    Files.write(corpus, List.of(
        SharedData.jsonLine("ru-0", SharedData.xquadArticles("ru", 0, 3)),
        SharedData.jsonLine("ru-1", SharedData.xquadArticles("ru", 3, 2)),
        SharedData.jsonLine("en-0", SharedData.xquadArticles("en", 0, 3))));
    Path queries = tmp.resolve("queries.yaml");
    Files.writeString(queries, String.join("\n", "queries:",
        "  - id: security",
        "    question: обеспечение исполнения контракта",
        "    top_k: 3",
        "    max_answer_len: 30",
        "  - id: warranty",
        "    question: What secures the warranty obligations?",
        "    handle_impossible_answer: true",
        "    top_k: 2",
        ""));

    Map<String, String> answersByLayout = new TreeMap<>();
    for (Path model : List.of(folder, hub)) {
      String name = model.equals(folder) ? "folder" : "hub";
      Path warehouse = tmp.resolve(name + "-warehouse");
      Path explain = tmp.resolve(name + "-explain");
      Result run = corpusQa("run", "--input", corpus.toString(), "--input-format", "json",
          "--queries", queries.toString(), "--model", model.toString(), "--warehouse", warehouse.toString(),
          "--explain", explain.toString());
      assertThat(run.exitCode()).as(run.all()).isZero();
      assertThat(run.stdout()).contains("3 records read: 3 answered").contains(" 15 answer rows");
      assertThat(run.all()).doesNotContain("CUDA is not supported");

      Result sql = corpusQa("sql", "--warehouse", warehouse.toString(), "--format", "json",
          "SELECT doc_id, query_id, rank, answer, start_char, end_char, score, null_score, model_name, model_sha256"
              + " FROM answers ORDER BY doc_id, query_id, rank");
      assertThat(sql.exitCode()).as(sql.all()).isZero();
      Path answers = tmp.resolve(name + "-answers.jsonl");
      Files.writeString(answers, sql.stdout());
      Result check = Processes.run(List.of("python3", "tools/check-explain.py", "--explain", explain.toString(),
          "--answers", answers.toString(), "--corpus", corpus.toString()), Map.of(), ROOT, 600);
      assertThat(check.exitCode()).as(check.all()).isZero();
      assertThat(check.stdout()).contains("checked 6 (doc, query) pairs, 15 answer rows: all agree");

      List<JsonNode> rows = new ArrayList<>();
      for (String line : sql.stdout().split("\n")) {
        if (!line.isBlank()) {
          rows.add(JSON.readTree(line));
        }
      }
      assertThat(rows).extracting(r -> r.get("model_name").asText()).containsOnly(name.equals("folder")
          ? "qa-xlm-roberta" : "xlmr-hub");
      Result checked = corpusQa("model", "check", model.toString());
      assertThat(checked.exitCode()).as(checked.all()).isZero();
      String sha256 = checked.stdout().lines().filter(l -> l.startsWith("model_sha256: ")).findFirst().orElseThrow()
          .substring("model_sha256: ".length());
      assertThat(rows).extracting(r -> r.get("model_sha256").asText()).containsOnly(sha256);
      StringBuilder answersOnly = new StringBuilder();
      for (JsonNode row : rows) {
        ((ObjectNode) row).remove(List.of("model_name", "model_sha256"));
        answersOnly.append(row).append('\n');
      }
      answersByLayout.put(name, answersOnly.toString());
    }
    assertThat(answersByLayout.get("hub")).isEqualTo(answersByLayout.get("folder"));
  }

  @Test
  void modelCheckReportsAGoodFolderAndExplainsBrokenOnes() throws IOException {
    Result good = corpusQa("model", "check", SharedData.hfFixture("qa-bert").toString(),
        "--question", "Who pays the security?", "--context", "The supplier pays the security of five percent.");
    assertThat(good.exitCode()).as(good.all()).isZero();
    assertThat(good.stdout())
        .contains("layout:       Hugging Face folder (config.json)\n")
        .contains("format:       onnx (model.onnx, OnnxRuntime)\n")
        .contains("inputs:       input_ids, attention_mask, token_type_ids\n")
        .contains("max_seq_len:  512\n")
        .contains("pair layout:  [CLS] question [SEP] context [SEP]\n")
        .contains("device:       cpu\n")
        .containsPattern("answer:       \"[^\"]+\" \\[\\d+, \\d+\\)\n")
        .containsPattern("timing:       load \\d+ ms, answer \\d+ ms");
    assertThat(good.stderr()).doesNotContain("CUDA is not supported").doesNotContain("Exception");

    // A classifier is checked too: it labels the example pair.
    Path classifier = SharedData.hfFixture("cls-distilbert-sentiment");
    Result labels = corpusQa("model", "check", classifier.toString());
    assertThat(labels.exitCode()).as(labels.all()).isZero();
    assertThat(labels.stdout()).contains("task:         text-classification (labels negative, positive)\n")
        .containsPattern("label:        (negative|positive) \\(probability 0\\.\\d{6}, 1 window\\)");

    // A model of neither task is refused with what to export.
    Path maskedLm = tmp.resolve("masked-lm");
    Files.createDirectories(maskedLm);
    for (String file : List.of("tokenizer.json", "model.onnx")) {
      Files.copy(SharedData.hfFixture("qa-bert").resolve(file), maskedLm.resolve(file));
    }
    Files.writeString(maskedLm.resolve("config.json"), Files.readString(SharedData.hfFixture("qa-bert")
        .resolve("config.json")).replace("BertForQuestionAnswering", "BertForMaskedLM"));
    Result wrongTask = corpusQa("model", "check", maskedLm.toString());
    assertThat(wrongTask.exitCode()).isEqualTo(2);
    assertThat(wrongTask.stderr().strip()).isEqualTo("corpus-qa: Cannot load model folder " + maskedLm
        + ": config.json's architectures are [BertForMaskedLM], none of a task corpus-qa runs (question-answering,"
        + " text-classification); export an AutoModelForQuestionAnswering or an AutoModelForSequenceClassification");

    Path noModel = tmp.resolve("weights-only");
    Files.createDirectories(noModel);
    for (String file : List.of("config.json", "tokenizer.json")) {
      Files.copy(SharedData.hfFixture("qa-bert").resolve(file), noModel.resolve(file));
    }
    Result missing = corpusQa("model", "check", noModel.toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr().strip()).startsWith("corpus-qa: Cannot load model folder " + noModel
        + ": missing model.onnx, onnx/model.onnx or model.pt").doesNotContain("\n");

    Result unknownScheme = corpusQa("model", "check", "foo://bucket/models/qa");
    assertThat(unknownScheme.exitCode()).isEqualTo(2);
    assertThat(unknownScheme.stderr().strip()).isEqualTo("corpus-qa: Cannot load model foo://bucket/models/qa: it"
        + " cannot be copied to this machine (UnsupportedFileSystemException: No FileSystem for scheme \"foo\");"
        + " check the URI and the file system's settings and credentials (conf/s3.properties for s3a://)");
  }

  /** tools/make-test-model.py --layout hf: Hugging Face folders for tests, made without transformers. */
  @Test
  void testModelToolWritesFoldersThatLoadAsHuggingFaceFolders() {
    String python = Processes.pythonWithTorch();
    org.junit.jupiter.api.Assumptions.assumeTrue(python != null, "needs a python3 with torch: apt-get install python3-torch");
    String tokenizer = SharedData.ROOT.resolve("tokenizers/bert-base-multilingual-uncased.tokenizer.json").toString();
    for (List<String> flags : List.of(List.of("--arch", "bert", "--format", "onnx", "--onnx-subfolder"),
        List.of("--arch", "distilbert", "--format", "torchscript"))) {
      Path folder = tmp.resolve(flags.get(1) + "-" + flags.get(3));
      List<String> command = new ArrayList<>(List.of(python, "tools/make-test-model.py", "--layout", "hf",
          "--tokenizer", tokenizer, "--max-seq-len", "256", "--out", folder.toString()));
      command.addAll(flags);
      Result made = Processes.run(command, Map.of(), ROOT, 600);
      assertThat(made.exitCode()).as(made.all()).isZero();
      assertThat(folder.resolve("corpusqa-model.json")).doesNotExist();

      Result checked = corpusQa("model", "check", folder.toString());
      assertThat(checked.exitCode()).as(checked.all()).isZero();
      assertThat(checked.stdout()).contains("layout:       Hugging Face folder (config.json)\n")
          .contains("max_seq_len:  256\n")
          .contains(flags.get(1).equals("bert") ? "format:       onnx (onnx/model.onnx, OnnxRuntime)\n"
              : "format:       torchscript (model.pt, PyTorch)\n")
          .contains(flags.get(1).equals("bert") ? "inputs:       input_ids, attention_mask, token_type_ids\n"
              : "inputs:       input_ids, attention_mask\n");
    }
  }
}
