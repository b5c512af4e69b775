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

/**
 * Runs killed between their commits (the driver halts as under {@code kill -9}), then run again
 * through jobs/corpus-qa: every row of every table names a run in {@code runs}, the killed runs
 * are marked INTERRUPTED by the next, nothing is duplicated, and the killed runs' scratch is gone;
 * finished and failed runs print their outcome on stdout whatever their exit status.
 */
class KilledRunsIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Result corpusQa(Path scratch, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("jobs/corpus-qa").toString());
    command.addAll(List.of(args));
    return Processes.run(command, Map.of("CORPUSQA_SCRATCH_DIR", scratch.toString()), ROOT, 900);
  }

  private Result run(Path scratch, Path corpus, Path warehouse, String haltAfter, String... more) {
    // Heartbeats and progress lines every second; a stage shorter than that still logs its last line.
    List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--conf", "spark.executor.heartbeatInterval=1s",
        "--conf", "spark.corpusqa.progressIntervalSeconds=1"));
    if (haltAfter != null) {
      args.addAll(List.of("--conf", "spark.corpusqa.test.haltAfterCommit=" + haltAfter));
    }
    args.addAll(List.of("run", "--input", corpus.toString(), "--input-format", "json", "--queries",
        "jobs/queries/contract-security.yaml", "--model", "src/test/resources/models/tiny-bert",
        "--warehouse", warehouse.toString()));
    args.addAll(List.of(more));
    return corpusQa(scratch, args.toArray(new String[0]));
  }

  private static List<Path> runDirectories(Path scratch) throws IOException {
    try (Stream<Path> dirs = Files.list(scratch)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("run-")).sorted().toList();
    }
  }

  private static long filesUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void runsKilledBetweenTheirCommitsAreInterruptedAndEveryRowNamesARun() throws IOException {
    Path corpus = tmp.resolve("corpus.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(ROOT.resolve("jobs/sample/contracts.jsonl")));
    lines.add("{\"doc_id\": \"blank\", \"text\": \"   \"}");
    Files.write(corpus, lines);
    int documents = lines.size() - 1;
    Path warehouse = tmp.resolve("warehouse");
    Path scratch = tmp.resolve("scratch");

    Result killedAfterQuarantine = run(scratch, corpus, warehouse, "quarantine", "--mode", "full");
    assertThat(killedAfterQuarantine.exitCode()).as(killedAfterQuarantine.all()).isEqualTo(137);
    assertThat(killedAfterQuarantine.stderr()).containsPattern("Model stage: \\d+ of 8 documents begun \\(\\d+%\\)");
    List<Path> left = runDirectories(scratch);
    assertThat(left).hasSize(1);
    assertThat(filesUnder(left.get(0))).as("a killed run's scratch").isPositive();

    // The next run finds the first one's driver gone, and is itself killed after its answers commit.
    Result killedAfterAnswers = run(scratch, corpus, warehouse, "answers");
    assertThat(killedAfterAnswers.exitCode()).as(killedAfterAnswers.all()).isEqualTo(137);
    assertThat(killedAfterAnswers.stderr()).contains("which is gone: marked INTERRUPTED in qa.runs");
    assertThat(left.get(0)).doesNotExist();

    // The third finishes (quarantining the blank record is more than a 0% share: exit 3, summary on stdout).
    Result finished = run(scratch, corpus, warehouse, null, "--max-quarantine-share", "0");
    assertThat(finished.exitCode()).as(finished.all()).isEqualTo(3);
    assertThat(finished.stdout()).contains("records read").contains(documents + " unchanged, 0 duplicates, 1 quarantined");
    assertThat(finished.stderr()).contains("more than --max-quarantine-share 0.0%");
    List<Path> after = runDirectories(scratch);
    assertThat(after).hasSize(1).doesNotContain(left.get(0));
    assertThat(filesUnder(after.get(0))).as("a finished run's scratch").isZero();

    // A run that fails after recording its start (--table names some other table) says so on stdout.
    Result created = corpusQa(scratch, "sql", "--warehouse", warehouse.toString(),
        "CREATE TABLE not_answers (x INT) USING iceberg");
    assertThat(created.exitCode()).as(created.all()).isZero();
    Result failed = run(scratch, corpus, warehouse, null, "--table", "not_answers");
    assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);
    assertThat(failed.stdout().strip()).matches("run \\S+ \\(incremental\\): FAILED \\(\\w*AnalysisException\\), recorded"
        + " in corpusqa.qa.runs; what it committed before stays, and a rerun finishes the work");

    Result counts = corpusQa(scratch, "sql", "--warehouse", warehouse.toString(), "--format", "json",
        "SELECT (SELECT concat_ws(',', sort_array(collect_list(status))) FROM runs) AS statuses,"
            + " (SELECT count(*) FROM (SELECT run_id FROM answers UNION SELECT run_id FROM quarantine) t"
            + "   LEFT ANTI JOIN runs r ON t.run_id = r.run_id) AS rows_without_run,"
            + " (SELECT count(*) FROM answers) AS answer_rows,"
            + " (SELECT count(DISTINCT doc_id, query_id, rank) FROM answers) AS answer_keys,"
            + " (SELECT count(*) FROM quarantine) AS quarantine_rows,"
            + " (SELECT max(ended_at) FROM runs WHERE status = 'INTERRUPTED') AS interrupted_ended_at");
    assertThat(counts.exitCode()).as(counts.all()).isZero();
    JsonNode row = JSON.readTree(counts.stdout().strip());
    assertThat(row.get("statuses").asText()).isEqualTo("FAILED,FAILED_QUARANTINE_SHARE,INTERRUPTED,INTERRUPTED");
    assertThat(row.get("rows_without_run").asLong()).isZero();
    assertThat(row.get("answer_rows").asLong()).isEqualTo(2L * documents);
    assertThat(row.get("answer_keys").asLong()).isEqualTo(2L * documents);
    assertThat(row.get("quarantine_rows").asLong()).isEqualTo(1);
    // sql --format json keeps null columns: an interrupted run never ended.
    assertThat(row.has("interrupted_ended_at")).isTrue();
    assertThat(row.get("interrupted_ended_at").isNull()).isTrue();
  }
}
