package org.corpusqa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.corpusqa.testing.Processes;
import org.corpusqa.testing.Processes.Result;
import org.corpusqa.testing.SampleContracts;
import org.corpusqa.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job as users run it: jobs/run-local.sh and jobs/corpus-qa, through spark-submit's entry point. */
class EndToEndIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static Result launch(Map<String, String> env, String... args) {
    List<String> command = new java.util.ArrayList<>();
    command.add(ROOT.resolve("jobs/corpus-qa").toString());
    command.addAll(List.of(args));
    return Processes.run(command, env, ROOT, 600);
  }

  private static Map<String, String> sampleTexts() throws IOException {
    return SampleContracts.texts();
  }

  /**
   * The gold clause of each (document, query) of the sample that has one: its first sentence's
   * [start, end) in the text, from the labelled form of the sample.
   */
  private static Map<String, int[]> sampleClauses() throws IOException {
    Map<String, int[]> clauses = new HashMap<>();
    for (JsonNode record : JSON.readTree(ROOT.resolve("jobs/sample/contracts-labelled.json").toFile())) {
      JsonNode part = record.get("extracted_part");
      int start = part.get("answer_start").get(0).asInt();
      if (start >= 0) {
        String[] id = record.get("id").asText().split("/");
        String query = id[1].equals("performance") ? "performance_security" : "warranty_security";
        clauses.put(id[0] + "/" + query, new int[] {start, part.get("answer_end").get(0).asInt()});
      }
    }
    return clauses;
  }

  private static List<JsonNode> jsonLines(String stdout) throws IOException {
    List<JsonNode> rows = new java.util.ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (!line.isBlank()) {
        rows.add(JSON.readTree(line));
      }
    }
    return rows;
  }

  @Test
  void runLocalLeavesOneAnswerRowPerDocumentAndQuery() throws IOException {
    Path warehouse = tmp.resolve("warehouse");
    Result demo =
        Processes.run(List.of(ROOT.resolve("jobs/run-local.sh").toString()),
            Map.of("CORPUSQA_WAREHOUSE", warehouse.toString()), ROOT, 900);
    assertThat(demo.exitCode()).as(demo.all()).isZero();
    assertThat(demo.stdout()).contains("trained on this project's machine").contains("contract-0008-long");

    Result sql = launch(Map.of(), "sql", "--warehouse", warehouse.toString(), "--format", "json",
        "SELECT doc_id, query_id, rank, answer, start_char, end_char FROM answers");
    assertThat(sql.exitCode()).as(sql.all()).isZero();
    List<JsonNode> rows = jsonLines(sql.stdout());
    Map<String, String> texts = sampleTexts();
    assertThat(rows).hasSize(2 * texts.size());
    Set<String> pairs = new HashSet<>();
    Map<String, int[]> clauses = sampleClauses();
    List<String> missed = new java.util.ArrayList<>();
    Map<String, List<int[]>> spans = new HashMap<>();
    for (JsonNode row : rows) {
      String pair = row.get("doc_id").asText() + "/" + row.get("query_id").asText();
      assertThat(pairs.add(pair)).isTrue();
      assertThat(row.get("rank").asInt()).isEqualTo(1);
      int[] clause = clauses.get(pair);
      if (!row.get("answer").isNull()) {
        String text = texts.get(row.get("doc_id").asText());
        assertThat(row.get("answer").asText())
            .isEqualTo(text.substring(row.get("start_char").asInt(), row.get("end_char").asInt()));
      }
      // The demo model answers nothing where there is no such clause, and where there is one,
      // answers inside it (README, Limits: all 8 "no answer"s and all 8 clauses).
      if (clause == null) {
        assertThat(row.get("answer").isNull()).as(pair + " has no such clause").isTrue();
      } else if (row.get("answer").isNull() || row.get("start_char").asInt() >= clause[1]
          || row.get("end_char").asInt() <= clause[0]) {
        missed.add(pair);
      } else {
        spans.computeIfAbsent(row.get("doc_id").asText(), doc -> new java.util.ArrayList<>())
            .add(new int[] {row.get("start_char").asInt(), row.get("end_char").asInt()});
      }
    }
    assertThat(missed).as("clauses the demo model missed").isEmpty();
    // Where a contract has both clauses, the two questions get two different ones: no shared text.
    for (Map.Entry<String, List<int[]>> doc : spans.entrySet()) {
      if (doc.getValue().size() == 2) {
        int[] one = doc.getValue().get(0);
        int[] other = doc.getValue().get(1);
        assertThat(one[1] <= other[0] || other[1] <= one[0]).as(doc.getKey() + "'s two answers overlap").isTrue();
      }
    }
    // Logs carry ids and counts only: no sentence of any document appears in what the run printed.
    assertThat(demo.stderr()).doesNotContain("Поставщик обязуется").doesNotContain("Performance security");
  }

  @Test
  void answersAgreeWithThePipelinePostProcessingOfTheExplainedLogits() throws IOException {
    Path warehouse = tmp.resolve("warehouse");
    Path explain = tmp.resolve("explain");
    Path queries = tmp.resolve("queries.yaml");
    Files.writeString(queries, String.join("\n",
        "queries:",
        "  - id: top1",
        "    question: обеспечение исполнения контракта",
        "  - id: top3",
        "    question: обеспечение гарантийных обязательств",
        "    top_k: 3",
        "    max_answer_len: 40",
        "  - id: top3_impossible",
        "    question: срок поставки",
        "    top_k: 3",
        "    handle_impossible_answer: true",
        "  - id: top1_impossible_raw",
        "    question: guarantee",
        "    handle_impossible_answer: true",
        "    align_to_words: false",
        "    doc_stride: 64",
        "  - id: top3_by_span",
        "    question: обеспечение гарантийных обязательств",
        "    top_k: 3",
        "    pooling: span",
        ""));
    Result run = launch(Map.of(), "run", "--input", "jobs/sample/contracts.jsonl", "--input-format", "json",
        "--queries", queries.toString(), "--model", "src/test/resources/models/tiny-distilbert",
        "--warehouse", warehouse.toString(), "--explain", explain.toString());
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.stdout()).contains("8 records read: 8 answered, 0 unchanged, 0 duplicates, 0 quarantined")
        .contains(" 88 answer rows").containsPattern("s wall time -> corpusqa\\.qa\\.answers \\(quarantine"
            + " corpusqa\\.qa\\.quarantine, runs corpusqa\\.qa\\.runs, labels corpusqa\\.qa\\.labels\\)");
    Result tables = launch(Map.of(), "sql", "--warehouse", warehouse.toString(), "--format", "csv", "SHOW TABLES IN qa");
    assertThat(tables.stdout().lines().skip(1).sorted().toList())
        .as(tables.all()).containsExactly("qa,answers,false", "qa,quarantine,false", "qa,runs,false");

    Result sql = launch(Map.of(), "sql", "--warehouse", warehouse.toString(), "--format", "json", "SELECT * FROM answers");
    assertThat(sql.exitCode()).as(sql.all()).isZero();
    Path answers = tmp.resolve("answers.jsonl");
    Files.writeString(answers, sql.stdout());
    assertThat(jsonLines(sql.stdout())).hasSize(8 * (1 + 3 + 3 + 1 + 3));

    Result check = Processes.run(List.of("python3", "tools/check-explain.py", "--explain", explain.toString(),
        "--answers", answers.toString(), "--corpus", "jobs/sample/contracts.jsonl"), Map.of(), ROOT, 300);
    assertThat(check.exitCode()).as(check.all()).isZero();
    assertThat(check.stdout()).contains("checked 40 (doc, query) pairs, 88 answer rows: all agree");
  }

  /**
   * One queries file with an answer query and a yes/no query, two models: spans into answers,
   * labels into labels, the run's counts reconciled, and an identical rerun adds nothing.
   */
  @Test
  void answerAndYesNoQueriesFillBothTablesWithTwoModels() throws IOException {
    Path classifier = SharedData.hfFixture("cls-bert-yesno");
    Path warehouse = tmp.resolve("warehouse");
    List<String> run = List.of("run", "--input", "jobs/sample/contracts.jsonl", "--queries",
        "jobs/queries/contract-security-yesno.yaml", "--model", "jobs/models/contracts-demo", "--classifier",
        classifier.toString(), "--warehouse", warehouse.toString());
    Result first = launch(Map.of(), run.toArray(String[]::new));
    assertThat(first.exitCode()).as(first.all()).isZero();
    assertThat(first.stdout()).contains("8 records read: 8 answered, 0 unchanged, 0 duplicates, 0 quarantined")
        .contains(" 0 (document, question) pairs quarantined; 8 answer rows, 8 label rows,")
        .contains("labels corpusqa.qa.labels)");
    Result labels = launch(Map.of(), "sql", "--warehouse", warehouse.toString(), "--format", "json",
        "SELECT doc_id, query_id, label, probabilities, windows FROM labels");
    assertThat(labels.exitCode()).as(labels.all()).isZero();
    List<JsonNode> rows = jsonLines(labels.stdout());
    assertThat(rows).hasSize(8);
    for (JsonNode row : rows) {
      assertThat(row.get("query_id").asText()).isEqualTo("requires_performance_security");
      assertThat(row.get("label").asText()).isIn("no", "yes");
      assertThat(row.get("probabilities").get("no").asDouble() + row.get("probabilities").get("yes").asDouble())
          .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
    }
    Result again = launch(Map.of(), run.toArray(String[]::new));
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(again.stdout()).contains("8 records read: 0 answered, 8 unchanged, 0 duplicates, 0 quarantined")
        .contains(" 0 answer rows, 0 label rows, 0 windows");
    Result counts = launch(Map.of(), "sql", "--warehouse", warehouse.toString(), "--format", "csv",
        "SELECT (SELECT count(*) FROM labels), (SELECT count(*) FROM answers), (SELECT count(*) FROM qa.labels.snapshots),"
            + " (SELECT count(*) FROM runs WHERE status = 'SUCCEEDED' AND classifier_name = 'cls-bert-yesno')");
    assertThat(counts.stdout().lines().skip(1).toList()).as(counts.all()).containsExactly("8,8,1,2");

    // model check takes a classifier too: what it is, and the label of the built-in example pair.
    Result check = launch(Map.of(), "model", "check", classifier.toString());
    assertThat(check.exitCode()).as(check.all()).isZero();
    assertThat(check.stdout()).contains("task:         text-classification (labels no, yes)\n")
        .containsPattern("label:        (no|yes) \\(probability 0\\.\\d{6}, 1 window\\)")
        .containsPattern("probabilities: \\[no 0\\.\\d{6}, yes 0\\.\\d{6}\\]");

    // Without --classifier the yes/no query has no model: exit 2 before any data is read.
    Result missing = launch(Map.of(), "run", "--input", "jobs/sample/contracts.jsonl", "--queries",
        "jobs/queries/contract-security-yesno.yaml", "--model", "jobs/models/contracts-demo", "--warehouse",
        tmp.resolve("w2").toString());
    assertThat(missing.exitCode()).as(missing.all()).isEqualTo(2);
    assertThat(missing.stderr()).contains("corpus-qa: Cannot label queries [requires_performance_security] (task:"
        + " classify): --model jobs/models/contracts-demo is a question-answering model; add --classifier with a"
        + " text-classification model\n").doesNotContain("\tat ");
  }

  /**
   * {@code evaluate --format glue} on SST-2 (a header) and CoLA (none) dev sets with a random
   * Hugging Face classifier: its metrics as the independent implementation in tools/ computes them
   * from the data's gold labels and the run's predictions.
   */
  @Test
  void evaluateGlueMetricsAgreeWithTheIndependentImplementation() throws IOException {
    Path model = SharedData.hfFixture("cls-distilbert-sentiment");
    JsonNode id2label = JSON.readTree(model.resolve("config.json").toFile()).get("id2label");
    for (String set : List.of("sst2-dev.tsv", "cola-dev.tsv")) {
      Path data = SharedData.ROOT.resolve("data/classification").resolve(set);
      org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(data), "needs ../shared/data: " + data);
      Path out = tmp.resolve(set);
      Result run = launch(Map.of(), "evaluate", "--format", "glue", "--data", data.toString(), "--model",
          model.toString(), "--max-seq-len", "128", "--doc-stride", "32", "--out", out.toString(), "--warehouse",
          tmp.resolve("warehouse").toString());
      assertThat(run.exitCode()).as(run.all()).isZero();
      assertThat(run.stdout()).contains("accuracy").contains("matthews_corrcoef").contains("confusion matrix");
      List<String> gold = new java.util.ArrayList<>();
      List<String> lines = Files.readAllLines(data);
      boolean headed = lines.get(0).startsWith("sentence\t");
      for (String line : lines.subList(headed ? 1 : 0, lines.size())) {
        if (!line.isEmpty()) {
          String[] cells = line.split("\t", -1);
          gold.add(id2label.get(cells[1].strip()).asText()); // the label column of both layouts
        }
      }
      JsonNode predictions = JSON.readTree(out.resolve("predictions.json").toFile());
      assertThat(predictions.size()).isEqualTo(gold.size());
      List<String> predicted = new java.util.ArrayList<>();
      predictions.elements().forEachRemaining(p -> predicted.add(p.asText()));
      Path pairs = tmp.resolve(set + ".pairs.json");
      JSON.writeValue(pairs.toFile(), Map.of("gold", gold, "predicted", predicted));
      Result check = Processes.run(List.of("python3", "tools/check-classification-metrics.py", "--pairs",
          pairs.toString(), "--metrics", out.resolve("metrics.json").toString()), Map.of(), ROOT, 120);
      assertThat(check.exitCode()).as(set + ": " + check.all()).isZero();
    }
    Result table = launch(Map.of(), "sql", "--warehouse", tmp.resolve("warehouse").toString(), "--format", "csv",
        "SELECT format, questions, exact IS NULL, accuracy IS NOT NULL FROM evaluations ORDER BY questions");
    assertThat(table.stdout().lines().skip(1).toList()).as(table.all())
        .containsExactly("glue,872,true,true", "glue,1043,true,true");
  }

  @Test
  void configurationErrorsExitWithStatus2AndSayWhatToFix() throws IOException {
    Path queries = tmp.resolve("bad.yaml");
    Files.writeString(queries, "queries:\n  - id: a\n    question: q\n    top_k: 0\n");
    Result bad = launch(Map.of(), "run", "--input", "jobs/sample/contracts.jsonl", "--input-format", "json",
        "--queries", queries.toString(), "--model", "src/test/resources/models/tiny-bert",
        "--warehouse", tmp.resolve("w").toString());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.stderr()).contains("corpus-qa: Cannot read queries file " + queries
        + ": line 4: Cannot set top_k: must be between 1 and 100, got: 0");
    assertThat(tmp.resolve("w")).doesNotExist();

    // spark-submit's own options pass through the launcher to spark-submit.
    Result noModel = launch(Map.of(), "--driver-memory", "2g", "--executor-cores=1", "--name", "e2e", "run", "--input", "jobs/sample/contracts.jsonl", "--input-format", "json",
        "--queries", "jobs/queries/contract-security.yaml", "--model", tmp.resolve("none").toString(),
        "--warehouse", tmp.resolve("w").toString());
    assertThat(noModel.exitCode()).isEqualTo(2);
    assertThat(noModel.stderr()).contains("corpus-qa: Cannot load model bundle: " + tmp.resolve("none")
        + " is not a directory;");

    // A warehouse under a regular file cannot be created: found before the model loads.
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Result unwritable = launch(Map.of(), "run", "--input", "jobs/sample/contracts.jsonl", "--queries",
        "jobs/queries/contract-security.yaml", "--model", "src/test/resources/models/tiny-bert",
        "--warehouse", file.resolve("warehouse").toString());
    assertThat(unwritable.exitCode()).as(unwritable.all()).isEqualTo(2);
    assertThat(unwritable.stderr()).contains("corpus-qa: Cannot write to the warehouse " + file.resolve("warehouse").toUri())
        .contains("; give a writable --warehouse\n").doesNotContain("Loaded model").doesNotContain("\tat ");

    Result badSql = launch(Map.of(), "sql", "--warehouse", tmp.resolve("w").toString(), "SELECT * FORM runs");
    assertThat(badSql.exitCode()).isEqualTo(2);
    assertThat(badSql.stderr()).contains("corpus-qa: Cannot run the query: [PARSE_SYNTAX_ERROR] Syntax error at or"
        + " near 'runs': extra input 'runs'.(line 1, pos 14). Fix the SQL and run again.\n").doesNotContain("\tat ")
        .doesNotContain("WARN");

    // Tables that a version before namespaces left at the catalog's root are not silently left behind.
    Path old = tmp.resolve("old-warehouse");
    Result created = launch(Map.of(), "sql", "--warehouse", old.toString(),
        "CREATE TABLE corpusqa.answers (doc_id STRING) USING iceberg");
    assertThat(created.exitCode()).as(created.all()).isZero();
    Result rooted = launch(Map.of(), "run", "--input", "jobs/sample/contracts.jsonl", "--queries",
        "jobs/queries/contract-security.yaml", "--model", "src/test/resources/models/tiny-bert",
        "--warehouse", old.toString());
    assertThat(rooted.exitCode()).as(rooted.all()).isEqualTo(2);
    assertThat(rooted.stderr()).contains("corpus-qa: Found corpusqa.answers at the catalog's root, where corpus-qa"
        + " kept tables before namespaces, and no qa.answers: move it there first").contains("ALTER TABLE"
        + " corpusqa.answers RENAME TO qa.answers").doesNotContain("Loaded model").doesNotContain("\tat ");
    Result twoNamespaces = launch(Map.of(), "run", "--input", "jobs/sample/contracts.jsonl", "--queries",
        "jobs/queries/contract-security.yaml", "--model", "src/test/resources/models/tiny-bert",
        "--namespace", "qa", "--table", "contracts.answers");
    assertThat(twoNamespaces.exitCode()).as(twoNamespaces.all()).isEqualTo(2);
    assertThat(twoNamespaces.stderr()).contains("corpus-qa: Cannot put the tables in namespace qa and");

    Result noValue = launch(Map.of(), "--driver-memory");
    assertThat(noValue.exitCode()).isEqualTo(2);
    assertThat(noValue.stderr()).isEqualTo("corpus-qa: --driver-memory needs a value; see jobs/corpus-qa --help\n");
    Result help = launch(Map.of(), "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.all()).contains("--driver-memory=VALUE", "--packages=VALUE", "--verbose", "Usage: corpus-qa");
  }
}
