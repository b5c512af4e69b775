package org.corpusqa.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.corpusqa.testing.Processes;
import org.corpusqa.testing.Processes.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Production runs through jobs/corpus-qa: retried tasks, identical reruns, logs without text. */
class ProductionRunsIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CANARY = "Канарейка поёт в шахте договора номер 7741.";

  @TempDir Path tmp;

  private Result corpusQa(String... args) {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("jobs/corpus-qa").toString());
    command.addAll(List.of(args));
    return Processes.run(command, Map.of(), ROOT, 900);
  }

  private Path corpusWithCanary() throws IOException {
    Path corpus = tmp.resolve("corpus.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(ROOT.resolve("jobs/sample/contracts.jsonl")));
    lines.add(JSON.writeValueAsString(Map.of("doc_id", "canary", "text", CANARY + " " + CANARY)));
    Files.write(corpus, lines);
    return corpus;
  }

  private Path queries() throws IOException {
    Path queries = tmp.resolve("queries.yaml");
    Files.writeString(queries, "defaults:\n  top_k: 3\n  max_answer_len: 30\nqueries:\n"
        + "  - id: performance_security\n    question: обеспечение исполнения контракта\n"
        + "  - id: warranty_security\n    question: обеспечение гарантийных обязательств\n");
    return queries;
  }

  private List<String> rows(Path warehouse, String sql) throws IOException {
    Result result = corpusQa("sql", "--warehouse", warehouse.toString(), "--format", "json", sql);
    assertThat(result.exitCode()).as(result.all()).isZero();
    List<String> rows = new ArrayList<>();
    for (String line : result.stdout().split("\n")) {
      if (!line.isBlank()) {
        JsonNode node = JSON.readTree(line);
        rows.add(node.toString());
      }
    }
    return rows;
  }

  @Test
  void tasksThatFailMidPartitionAreRetriedWithoutLostOrDuplicatedAnswers() throws IOException {
    Path corpus = corpusWithCanary();
    Path queries = queries();
    Path clean = tmp.resolve("clean");
    Path faulty = tmp.resolve("faulty");
    Path events = tmp.resolve("events");
    Files.createDirectories(events);
    Result ok = corpusQa("--master", "local[2]", "run", "--mode", "full", "--input", corpus.toString(),
        "--input-format", "json", "--queries", queries.toString(), "--model", "src/test/resources/models/tiny-bert",
        "--warehouse", clean.toString());
    assertThat(ok.exitCode()).as(ok.all()).isZero();
    // local[2,4]: up to 4 attempts per task; every first attempt dies after emitting 5 rows.
    Result retried = corpusQa("--master", "local[2,4]", "--conf", "spark.corpusqa.test.failFirstAttemptAfterRows=5",
        "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + events.toUri(),
        "run", "--mode", "full", "--input", corpus.toString(), "--input-format", "json",
        "--queries", queries.toString(), "--model", "src/test/resources/models/tiny-bert",
        "--warehouse", faulty.toString());
    assertThat(retried.exitCode()).as(retried.all()).isZero();
    assertThat(retried.stderr()).contains("Injected failure");

    String select = "SELECT doc_id, query_id, rank, answer, start_char, end_char, score FROM answers"
        + " ORDER BY doc_id, query_id, rank";
    List<String> expected = rows(clean, select);
    assertThat(expected).hasSize(9 * 2 * 3);
    assertThat(rows(faulty, select)).isEqualTo(expected);
    assertThat(rows(faulty, "SELECT doc_id, query_id, rank, count(*) AS n FROM answers"
        + " GROUP BY doc_id, query_id, rank HAVING count(*) > 1")).isEmpty();

    // Nothing the documents say, nor any answer, reaches a log or an event log.
    assertThat(ok.all() + retried.all()).doesNotContain("Канарейка").doesNotContain("шахте");
    try (Stream<Path> logs = Files.walk(events)) {
      for (Path log : logs.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(log)).doesNotContain("Канарейка").doesNotContain("шахте")
            .doesNotContain("Поставщик обязуется");
      }
    }
  }

  @Test
  void anIdenticalRerunWritesNoNewRowsAndNoNewDataFiles() throws IOException {
    Path corpus = corpusWithCanary();
    Path queries = queries();
    Path warehouse = tmp.resolve("warehouse");
    // The scheduler's wrapper: an incremental run.
    List<String> nightly = List.of(ROOT.resolve("jobs/nightly.sh").toString(), corpus.toString(),
        "src/test/resources/models/tiny-bert", queries.toString());
    Map<String, String> env = Map.of("CORPUSQA_FORMAT", "json", "CORPUSQA_WAREHOUSE", warehouse.toString());
    Result first = Processes.run(nightly, env, ROOT, 900);
    assertThat(first.exitCode()).as(first.all()).isZero();
    String files = "SELECT file_path FROM qa.answers.files ORDER BY file_path";
    String snapshots = "SELECT snapshot_id FROM qa.answers.snapshots ORDER BY committed_at";
    List<String> filesBefore = rows(warehouse, files);
    List<String> snapshotsBefore = rows(warehouse, snapshots);
    List<String> rowsBefore = rows(warehouse, "SELECT * FROM answers ORDER BY doc_id, query_id, rank");

    Result second = Processes.run(nightly, env, ROOT, 900);
    assertThat(second.exitCode()).as(second.all()).isZero();
    assertThat(second.stdout()).contains("9 records read: 0 answered, 9 unchanged").contains(" 0 windows");
    assertThat(rows(warehouse, files)).isEqualTo(filesBefore);
    assertThat(rows(warehouse, snapshots)).isEqualTo(snapshotsBefore);
    assertThat(rows(warehouse, "SELECT * FROM answers ORDER BY doc_id, query_id, rank")).isEqualTo(rowsBefore);
    assertThat(rows(warehouse, "SELECT run_id FROM runs")).hasSize(2);
  }
}
