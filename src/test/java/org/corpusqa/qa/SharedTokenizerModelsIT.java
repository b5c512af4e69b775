package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.corpusqa.testing.Processes;
import org.corpusqa.testing.Processes.Result;
import org.corpusqa.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Models made by tools/make-test-model.py from the real tokenizers in ../shared, in both
 * architectures, answering long Russian and English documents built from XQuAD: every answer row
 * must agree with an independent implementation of the pipeline's post-processing applied to the
 * explained logits (tools/check-explain.py), for top_k 1 and 3, with handle_impossible_answer on
 * and off. Needs ../shared and a Python with torch (Debian's python3-torch).
 */
class SharedTokenizerModelsIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final Path SHARED = Paths.get(System.getProperty("corpusqa.shared", "../shared")).toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static String python;

  @TempDir static Path tmp;

  @BeforeAll
  static void requirements() {
    assumeTrue(Files.isDirectory(SHARED.resolve("tokenizers")),
        "needs ../shared (tokenizers and XQuAD): not found at " + SHARED);
    python = Processes.pythonWithTorch();
    assumeTrue(python != null, "needs a python3 with torch: apt-get install python3-torch");
  }

  private static String question(Path squad, int article) throws IOException {
    return JSON.readTree(squad.toFile()).get("data").get(article).get("paragraphs").get(0).get("qas").get(0)
        .get("question").asText();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource({"bert, bert-base-multilingual-uncased", "distilbert, bert-base-uncased"})
  void answersAgreeWithThePipelineOnLongRussianAndEnglishDocuments(String arch, String tokenizer)
      throws IOException {
    Path model = tmp.resolve(arch + "-" + tokenizer);
    Result made = Processes.run(List.of(python, "tools/make-test-model.py", "--arch", arch,
        "--layers", "2", "--hidden", "32", "--heads", "2", "--intermediate", "64", "--seed", "7",
        "--tokenizer", SHARED.resolve("tokenizers/" + tokenizer + ".tokenizer.json").toString(),
        "--out", model.toString()), Map.of(), ROOT, 600);
    assertThat(made.exitCode()).as(made.all()).isZero();

    Path ru = SHARED.resolve("data/qa/xquad.ru.json");
    Path en = SHARED.resolve("data/qa/xquad.en.json");
    Path corpus = tmp.resolve(arch + "-corpus.jsonl");
    List<String> lines = new ArrayList<>();
    // Documents of 4 XQuAD articles each (20 paragraphs, far more than one window).
    for (int i = 0; i < 2; i++) {
      lines.add(SharedData.jsonLine("ru-" + i, SharedData.xquadArticles("ru", i * 4, 4)));
      lines.add(SharedData.jsonLine("en-" + i, SharedData.xquadArticles("en", i * 4, 4)));
    }
    Files.write(corpus, lines);
    Path queries = tmp.resolve(arch + "-queries.yaml");
    Files.writeString(queries, String.join("\n",
        "queries:",
        "  - id: ru_top1",
        "    question: " + JSON.writeValueAsString(question(ru, 0)),
        "  - id: ru_top3_impossible",
        "    question: " + JSON.writeValueAsString(question(ru, 1)),
        "    top_k: 3",
        "    handle_impossible_answer: true",
        "    max_answer_len: 30",
        "  - id: en_top3",
        "    question: " + JSON.writeValueAsString(question(en, 0)),
        "    top_k: 3",
        "  - id: en_top1_impossible",
        "    question: " + JSON.writeValueAsString(question(en, 1)),
        "    handle_impossible_answer: true",
        "    doc_stride: 96",
        ""));

    Path warehouse = tmp.resolve(arch + "-warehouse");
    Path explain = tmp.resolve(arch + "-explain");
    Result run = Processes.run(List.of(ROOT.resolve("jobs/corpus-qa").toString(), "run",
        "--input", corpus.toString(), "--input-format", "json", "--queries", queries.toString(),
        "--model", model.toString(), "--warehouse", warehouse.toString(), "--explain", explain.toString()),
        Map.of(), ROOT, 900);
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.stdout()).contains("4 records read: 4 answered").contains(" 32 answer rows");

    Result sql = Processes.run(List.of(ROOT.resolve("jobs/corpus-qa").toString(), "sql",
        "--warehouse", warehouse.toString(), "--format", "json", "SELECT * FROM answers"), Map.of(), ROOT, 600);
    assertThat(sql.exitCode()).as(sql.all()).isZero();
    Path answers = tmp.resolve(arch + "-answers.jsonl");
    Files.writeString(answers, sql.stdout());

    Result check = Processes.run(List.of("python3", "tools/check-explain.py", "--explain", explain.toString(),
        "--answers", answers.toString(), "--corpus", corpus.toString()), Map.of(), ROOT, 600);
    assertThat(check.exitCode()).as(check.all()).isZero();
    assertThat(check.stdout()).contains("checked 16 (doc, query) pairs, 32 answer rows: all agree");

    // Long documents: each (document, question) spans many windows.
    long windows = Files.list(explain).filter(p -> p.getFileName().toString().endsWith(".jsonl"))
        .mapToLong(p -> {
          try {
            return Files.readAllLines(p).size();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }).sum();
    assertThat(windows).isGreaterThan(16L * 5);
  }
}
