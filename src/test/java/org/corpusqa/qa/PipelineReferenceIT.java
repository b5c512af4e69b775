package org.corpusqa.qa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.corpusqa.model.QaModel;
import org.corpusqa.testing.Processes;
import org.corpusqa.testing.Processes.Result;
import org.corpusqa.testing.SharedData;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * corpus-qa's answers against the real {@code pipeline("question-answering")} of transformers 4.57.6
 * (the last release line that has it), run from the venv of tools/reference-venv.sh on Hugging Face
 * folders of the same weights: the demo model and the tiny BERT (the project's TorchScript bundles
 * converted by tools/bundle-to-hf.py), a random BERT and a random XLM-R made by transformers and
 * exported by tools/export-hf-model.py to TorchScript and ONNX. Long Russian contracts and long
 * English and Russian XQuAD documents, a question of more than 64 tokens, and every combination of
 * top_k 1/3, max_answer_len 15/40/64, handle_impossible_answer and align_to_words on and off, and
 * windows 384/128 and 192/64: every ranked answer must be the pipeline's (text, start, end, score
 * within 1e-4 relative, the no-answer result where the pipeline gives one). Needs ../shared and the
 * venv, which .ci/run creates.
 */
class PipelineReferenceIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final Path SHARED =
      Paths.get(System.getProperty("corpusqa.shared", "../shared")).toAbsolutePath().normalize();
  private static final Path VENV_PYTHON = ROOT.resolve("target/venv/bin/python");
  /** Where each model's counts go, for the closing note and CI's log. */
  private static final Path REPORT = ROOT.resolve("target/pipeline-reference.txt");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double REL_TOL = 1e-4;

  private static final String PERFORMANCE = "обеспечение исполнения контракта";
  private static final String WARRANTY = "обеспечение гарантийных обязательств";
  /**
   * More than 64 tokens (85 for the project's tokenizers, 93 for XLM-R's) and short enough to leave
   * a 192-token window more than doc_stride 64 of context: the pipeline never cuts it, nor must
   * corpus-qa.
   */
  private static final String LONG_QUESTION_RU = "Какой размер обеспечения исполнения контракта установлен"
      + " заказчиком, в какой срок поставщик должен его предоставить, в какой форме (банковская гарантия или"
      + " внесение денежных средств на счёт заказчика) и в каком порядке оно возвращается?";
  /** 69 tokens for BERT's uncased English vocabulary (which splits Russian into far more). */
  private static final String LONG_QUESTION_EN = "What amount of security for the performance of the contract"
      + " did the customer set, by which date must the supplier provide it, in which form (a bank guarantee or"
      + " money paid into the customer's account), and how and when is it returned to the supplier after the"
      + " obligations under the contract, including the warranty obligations, have been fulfilled?";

  @TempDir static Path tmp;

  @BeforeAll
  static void requirements() throws IOException {
    assumeTrue(Files.isDirectory(SHARED.resolve("tokenizers")) && Files.isDirectory(SHARED.resolve("data/qa")),
        "needs ../shared (tokenizers, XQuAD, the XLM-R fixture's tokenizer): not found at " + SHARED);
    assumeTrue(Files.isExecutable(VENV_PYTHON),
        "needs the reference venv with transformers 4.57.6: run tools/reference-venv.sh (.ci/run does)");
    Files.createDirectories(REPORT.getParent());
    Files.deleteIfExists(REPORT);
  }

  @Test
  void demoModelAnswersAsThePipelineOnLongRussianContracts() throws IOException {
    Path hf = toHuggingFace(ROOT.resolve("jobs/models/contracts-demo"), "demo-hf");
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("contract-0008-long", sampleContract("contract-0008-long"));
    docs.putAll(generatedContracts(2, "20-40"));
    List<String> questions = List.of(PERFORMANCE, WARRANTY, LONG_QUESTION_RU);
    Map<String, List<Ranked>> pipeline = compare("demo (DistilBERT, TorchScript)", hf,
        List.of(ROOT.resolve("jobs/models/contracts-demo")), docs, questions);

    // The check can tell: corpus-qa's earlier rules (each span once with its best score, top_k spans
    // a window, the question cut to 64 tokens) give other answers in many groups.
    Map<DecodingKey, Object> earlier = Map.of(DecodingKey.POOLING, AnswerPooling.SPAN, DecodingKey.MAX_QUESTION_LEN, 64);
    List<String> different = differences(TestModels.load(ROOT.resolve("jobs/models/contracts-demo")), docs, questions,
        earlier, pipeline);
    int groups = docs.size() * questions.size() * grid().size();
    report(String.format("demo (DistilBERT, TorchScript) under the earlier rules (pooling: span, max_question_len: 64):"
        + " %d of %d groups equal", groups - different.size(), groups));
    assertThat(different).hasSizeGreaterThan(groups / 10);
  }

  @Test
  void tinyBertAnswersAsThePipelineInRussianAndEnglish() throws IOException {
    // Its manifest does not record the heads (tools/make-test-model.py's default, 2).
    Path hf = toHuggingFace(TestModels.TINY_BERT, "tiny-bert-hf", "--heads", "2");
    // English only: the demo model's test covers Russian with the same tokenizer.
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("xquad-en", SharedData.xquadArticles("en", 0, 2));
    compare("tiny-bert (BERT, TorchScript)", hf, List.of(TestModels.TINY_BERT), docs,
        List.of(PERFORMANCE, englishQuestion(0), LONG_QUESTION_RU));
  }

  @Test
  void randomBertExportedToTorchScriptAndOnnxAnswersAsThePipelineInEnglish() throws IOException {
    Path hf = makeHuggingFaceModel("bert", SHARED.resolve("tokenizers/bert-base-uncased.tokenizer.json"), "bert-hf");
    List<Path> exports = List.of(export(hf, "torchscript", "bert-ts"), export(hf, "onnx", "bert-onnx"));
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("xquad-en-0", SharedData.xquadArticles("en", 0, 2));
    docs.put("xquad-en-2", SharedData.xquadArticles("en", 2, 2));
    compare("random BERT (bert-base-uncased tokenizer)", hf, exports, docs,
        List.of(englishQuestion(0), englishQuestion(2), LONG_QUESTION_EN));
  }

  @Test
  void randomXlmRobertaExportedToOnnxAnswersAsThePipelineInRussianAndEnglish() throws IOException {
    Path hf = makeHuggingFaceModel("xlm-roberta", SharedData.hfFixture("qa-xlm-roberta").resolve("tokenizer.json"),
        "xlmr-hf");
    List<Path> exports = List.of(export(hf, "onnx", "xlmr-onnx"));
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("xquad-ru", SharedData.xquadArticles("ru", 0, 2));
    docs.put("xquad-en", SharedData.xquadArticles("en", 0, 2));
    compare("random XLM-R (Unigram tokenizer)", hf, exports, docs,
        List.of(PERFORMANCE, englishQuestion(0), LONG_QUESTION_RU));
  }

  // ------------------------------------------------------------------------------------------
  // The grid and the comparison

  /** One combination of the pipeline's settings. */
  private record Grid(int topK, int maxAnswerLen, boolean impossible, boolean align, int maxSeqLen, int docStride) {
    DecodingSettings settings() {
      return DecodingSettings.DEFAULTS.withAll(Map.of(
          DecodingKey.TOP_K, topK, DecodingKey.MAX_ANSWER_LEN, maxAnswerLen,
          DecodingKey.HANDLE_IMPOSSIBLE_ANSWER, impossible, DecodingKey.ALIGN_TO_WORDS, align,
          DecodingKey.MAX_SEQ_LEN, maxSeqLen, DecodingKey.DOC_STRIDE, docStride));
    }

    @Override
    public String toString() {
      return String.format("top_k %d, max_answer_len %d, handle_impossible_answer %s, align_to_words %s, %d/%d",
          topK, maxAnswerLen, impossible, align, maxSeqLen, docStride);
    }
  }

  private static List<Grid> grid() {
    List<Grid> grid = new ArrayList<>();
    for (int[] window : new int[][] {{384, 128}, {192, 64}}) {
      for (int topK : new int[] {1, 3}) {
        for (int maxAnswerLen : new int[] {15, 40, 64}) {
          for (boolean impossible : new boolean[] {false, true}) {
            for (boolean align : new boolean[] {true, false}) {
              grid.add(new Grid(topK, maxAnswerLen, impossible, align, window[0], window[1]));
            }
          }
        }
      }
    }
    return grid;
  }

  /** One ranked answer, as the pipeline reports it: a no-answer is "" at [0, 0). */
  private record Ranked(String text, int start, int end, double score) {
    boolean matches(Ranked other) {
      return text.equals(other.text) && start == other.start && end == other.end
          && Math.abs(score - other.score) <= REL_TOL * Math.max(Math.abs(score), Math.abs(other.score));
    }
  }

  /** Runs the pipeline, then each bundle over the same cases; returns the pipeline's answers by case. */
  private static Map<String, List<Ranked>> compare(String name, Path hf, List<Path> bundles, Map<String, String> docs,
      List<String> questions) throws IOException {
    Map<String, List<Ranked>> expected = pipelineAnswers(name, hf, docs, questions, grid());
    int groups = docs.size() * questions.size() * grid().size();
    for (Path bundle : bundles) {
      QaModel model = TestModels.load(bundle);
      String label = name + " " + model.bundle().format().name().toLowerCase(java.util.Locale.ROOT);
      List<String> different = differences(model, docs, questions, Map.of(), expected);
      report(String.format("%s: %d of %d (document, question, settings) groups equal to the pipeline of"
          + " transformers 4.57.6", label, groups - different.size(), groups));
      different.stream().limit(10).forEach(System.out::println);
      assertThat(different).as(label + ": groups that differ from the pipeline").isEmpty();
    }
    return expected;
  }

  /** corpus-qa's answers for every case, with {@code overrides} of each grid point's settings. */
  private static List<String> differences(QaModel model, Map<String, String> docs, List<String> questions,
      Map<DecodingKey, Object> overrides, Map<String, List<Ranked>> expected) {
    List<Grid> grid = grid();
    List<String> different = new ArrayList<>();
    int groups = 0;
    try (ForwardPass pass = model.newForwardPass()) {
      QaEngine engine = new QaEngine(model.tokenizer(), model.bundle().manifest().maxSeqLen(), EngineOptions.DEFAULTS);
      for (int g = 0; g < grid.size(); g++) {
        List<Query> queries = new ArrayList<>();
        for (int q = 0; q < questions.size(); q++) {
          queries.add(new Query("q" + q, questions.get(q), grid.get(g).settings().withAll(overrides)));
        }
        List<Document> documents = new ArrayList<>();
        docs.forEach((id, text) -> documents.add(new Document(id, text)));
        List<QaResult> results = new ArrayList<>();
        engine.answer(documents.iterator(), engine.prepare(queries), pass, WindowObserver.NONE)
            .forEachRemaining(results::add);
        for (QaResult result : results) {
          List<Ranked> want = expected.get(caseId(result.docId(), result.query().id(), g));
          List<Ranked> got = ranked(result);
          groups++;
          if (!equal(want, got)) {
            different.add(String.format("%s, %s, %s:%n    pipeline  %s%n    corpus-qa %s", result.docId(),
                result.query().id(), grid.get(g), want, got));
          }
        }
      }
    }
    assertThat(groups).isEqualTo(docs.size() * questions.size() * grid.size());
    return different;
  }

  private static void report(String line) {
    System.out.println(line);
    try {
      Files.writeString(REPORT, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean equal(List<Ranked> want, List<Ranked> got) {
    if (want == null || want.size() != got.size()) {
      return false;
    }
    for (int i = 0; i < want.size(); i++) {
      if (!want.get(i).matches(got.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** corpus-qa's answers as the pipeline would print them. */
  private static List<Ranked> ranked(QaResult result) {
    List<Ranked> out = new ArrayList<>();
    for (Answer a : result.answers()) {
      if (a.hasSpan()) {
        out.add(new Ranked(a.text(), a.startChar(), a.endChar(), a.score()));
      } else if (a.reason() == NoAnswerReason.NO_ANSWER_PREFERRED) {
        out.add(new Ranked("", 0, 0, a.score()));
      } else {
        out.add(new Ranked("<" + a.reason() + ">", -1, -1, Double.NaN));
      }
    }
    return out;
  }

  private static String caseId(String docId, String queryId, int grid) {
    return docId + "|" + queryId + "|" + grid;
  }

  /** Runs the real pipeline over every case; offsets come back as Java String indices. */
  private static Map<String, List<Ranked>> pipelineAnswers(String name, Path hf, Map<String, String> docs,
      List<String> questions, List<Grid> grid) throws IOException {
    Path cases = tmp.resolve(hf.getFileName() + "-cases.jsonl");
    Path answers = tmp.resolve(hf.getFileName() + "-pipeline.jsonl");
    List<String> lines = new ArrayList<>();
    for (int g = 0; g < grid.size(); g++) {
      Grid s = grid.get(g);
      for (Map.Entry<String, String> doc : docs.entrySet()) {
        for (int q = 0; q < questions.size(); q++) {
          ObjectNode c = JSON.createObjectNode();
          c.put("id", caseId(doc.getKey(), "q" + q, g));
          c.put("question", questions.get(q));
          c.put("context", doc.getValue());
          c.put("top_k", s.topK());
          c.put("max_answer_len", s.maxAnswerLen());
          c.put("handle_impossible_answer", s.impossible());
          c.put("align_to_words", s.align());
          c.put("max_seq_len", s.maxSeqLen());
          c.put("doc_stride", s.docStride());
          lines.add(JSON.writeValueAsString(c));
        }
      }
    }
    Files.write(cases, lines);
    Result run = python("tools/pipeline-reference.py", "--model", hf.toString(), "--cases", cases.toString(),
        "--out", answers.toString());
    assertThat(run.exitCode()).as(run.all()).isZero();
    System.out.println(name + ": " + run.stdout().strip());
    Map<String, List<Ranked>> byCase = new HashMap<>();
    for (String line : Files.readAllLines(answers)) {
      JsonNode row = JSON.readTree(line);
      String id = row.get("id").asText();
      String text = docs.get(id.substring(0, id.indexOf('|')));
      List<Ranked> ranked = new ArrayList<>();
      for (JsonNode a : row.get("answers")) {
        // Python counts code points, Java UTF-16 units.
        int start = text.offsetByCodePoints(0, a.get("start").asInt());
        int end = text.offsetByCodePoints(0, a.get("end").asInt());
        ranked.add(new Ranked(a.get("answer").asText(), start, end, a.get("score").asDouble()));
      }
      byCase.put(id, ranked);
    }
    assertThat(byCase).hasSize(lines.size());
    return byCase;
  }

  // ------------------------------------------------------------------------------------------
  // Models and documents

  private static Path toHuggingFace(Path bundle, String name, String... options) {
    Path out = tmp.resolve(name);
    List<String> args = new ArrayList<>(List.of("tools/bundle-to-hf.py", "--bundle", bundle.toString(), "--out",
        out.toString()));
    args.addAll(List.of(options));
    Result made = python(args.toArray(String[]::new));
    assertThat(made.exitCode()).as(made.all()).isZero();
    return out;
  }

  private static Path makeHuggingFaceModel(String arch, Path tokenizer, String name) {
    Path out = tmp.resolve(name);
    Result made = python("tools/make-hf-qa-model.py", "--arch", arch, "--tokenizer", tokenizer.toString(),
        "--seed", "3", "--out", out.toString());
    assertThat(made.exitCode()).as(made.all()).isZero();
    return out;
  }

  private static Path export(Path hf, String format, String name) {
    Path out = tmp.resolve(name);
    Result made = python("tools/export-hf-model.py", "--model", hf.toString(), "--format", format,
        "--out", out.toString());
    assertThat(made.exitCode()).as(made.all()).isZero();
    return out;
  }

  private static Result python(String... args) {
    List<String> command = new ArrayList<>(List.of(VENV_PYTHON.toString()));
    command.addAll(List.of(args));
    // One thread: two busy cores make torch's intra-op threads far slower than one.
    return Processes.run(command, Map.of("OMP_NUM_THREADS", "1", "MKL_NUM_THREADS", "1"), ROOT, 1800);
  }

  private static String sampleContract(String docId) throws IOException {
    for (String line : Files.readAllLines(ROOT.resolve("jobs/sample/contracts.jsonl"))) {
      JsonNode row = JSON.readTree(line);
      if (row.get("doc_id").asText().equals(docId)) {
        return row.get("text").asText();
      }
    }
    throw new IllegalArgumentException(docId + " is not in the sample");
  }

  /** Contracts from tools/generate-contracts.py, whose security clauses repeat boilerplate phrases. */
  private static Map<String, String> generatedContracts(int count, String sections) throws IOException {
    Path out = tmp.resolve("generated-" + count + "-" + sections + ".jsonl");
    Result made = Processes.run(List.of("python3", "tools/generate-contracts.py", "--seed", "11", "--count",
        String.valueOf(count), "--sections", sections, "--format", "corpus", "--out", out.toString()),
        Map.of(), ROOT, 300);
    assertThat(made.exitCode()).as(made.all()).isZero();
    Map<String, String> docs = new LinkedHashMap<>();
    for (String line : Files.readAllLines(out)) {
      JsonNode row = JSON.readTree(line);
      docs.put(row.get("doc_id").asText(), row.get("text").asText());
    }
    return docs;
  }

  private static String englishQuestion(int article) throws IOException {
    return JSON.readTree(SHARED.resolve("data/qa/xquad.en.json").toFile()).get("data").get(article)
        .get("paragraphs").get(0).get("qas").get(0).get("question").asText();
  }
}
