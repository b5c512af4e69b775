package org.corpusqa.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.corpusqa.testing.PostgresServer;
import org.corpusqa.testing.Processes;
import org.corpusqa.testing.Processes.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Iceberg JDBC catalog on a real PostgreSQL server, configured by conf/jdbc-catalog.properties
 * with its credentials from the environment: two runs writing the same tables at the same moment
 * both succeed with every row and no duplicate, an identical rerun commits nothing to the tables,
 * and {@code sql} reads through the catalog.
 */
class JdbcCatalogIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final Pattern ANSWER_ROWS = Pattern.compile(" (\\d+) answer rows");
  private static PostgresServer postgres;

  @TempDir Path tmp;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static Result corpusQa(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("jobs/corpus-qa").toString(), "--properties-file",
        ROOT.resolve("conf/jdbc-catalog.properties").toString(), "--driver-memory", "1500m"));
    command.addAll(List.of(args));
    return Processes.run(command, env, ROOT, 600);
  }

  private static Result run(Map<String, String> env, Path input) {
    return corpusQa(env, "run", "--input", input.toString(), "--queries", "jobs/queries/contract-security.yaml",
        "--model", "src/test/resources/models/tiny-bert");
  }

  private static long answerRows(Result run) {
    Matcher m = ANSWER_ROWS.matcher(run.stdout());
    assertThat(m.find()).as(run.all()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static List<String> csv(Map<String, String> env, String query) {
    Result sql = corpusQa(env, "sql", "--format", "csv", query);
    assertThat(sql.exitCode()).as(sql.all()).isZero();
    return sql.stdout().lines().skip(1).toList();
  }

  @Test
  void concurrentRunsLoseAndDuplicateNothingAndAnIdenticalRerunCommitsNothing() throws Exception {
    PostgresServer.Database db = postgres.newDatabase();
    Map<String, String> env = new HashMap<>(Map.of("CORPUSQA_JDBC_URL", db.url(), "CORPUSQA_JDBC_USER", db.user(),
        "CORPUSQA_JDBC_PASSWORD", db.password(), "CORPUSQA_WAREHOUSE_URI", tmp.resolve("warehouse").toUri().toString(),
        "CORPUSQA_SCRATCH_DIR", tmp.resolve("scratch").toString()));
    List<String> sample = Files.readAllLines(ROOT.resolve("jobs/sample/contracts.jsonl"));
    Path first = Files.write(tmp.resolve("first.jsonl"), sample.subList(0, 4));
    Path second = Files.write(tmp.resolve("second.jsonl"), sample.subList(4, sample.size()));

    CompletableFuture<Result> a = CompletableFuture.supplyAsync(() -> run(env, first));
    CompletableFuture<Result> b = CompletableFuture.supplyAsync(() -> run(env, second));
    Result runA = a.get();
    Result runB = b.get();
    assertThat(runA.exitCode()).as(runA.all()).isZero();
    assertThat(runB.exitCode()).as(runB.all()).isZero();
    assertThat(runA.stdout()).contains("4 records read: 4 answered").contains("-> corpusqa.qa.answers");
    assertThat(runB.stdout()).contains("4 records read: 4 answered");

    assertThat(csv(env, "SELECT count(*), count(DISTINCT doc_id, query_id, model_sha256, rank), count(DISTINCT doc_id)"
        + " FROM answers")).containsExactly((answerRows(runA) + answerRows(runB)) + "," + (answerRows(runA)
        + answerRows(runB)) + "," + sample.size());
    assertThat(csv(env, "SELECT status, count(*) FROM runs GROUP BY status")).containsExactly("SUCCEEDED,2");
    // They ran at the same time: each started before the other ended.
    assertThat(csv(env, "SELECT count(*) FROM runs a JOIN runs b ON a.run_id < b.run_id"
        + " AND a.started_at < b.ended_at AND b.started_at < a.ended_at")).containsExactly("1");
    assertThat(csv(env, "SHOW TBLPROPERTIES answers ('commit.retry.num-retries')")).containsExactly(
        "commit.retry.num-retries,10");
    assertThat(csv(env, "SHOW TABLES IN qa").stream().sorted().toList())
        .containsExactly("qa,answers,false", "qa,quarantine,false", "qa,runs,false");

    String snapshots = "SELECT (SELECT count(*) FROM qa.answers.snapshots), (SELECT count(*) FROM qa.quarantine.snapshots)";
    List<String> before = csv(env, snapshots);
    Result rerun = run(env, first);
    assertThat(rerun.exitCode()).as(rerun.all()).isZero();
    assertThat(rerun.stdout()).contains("4 records read: 0 answered, 4 unchanged");
    assertThat(csv(env, snapshots)).isEqualTo(before);

    // The password reaches the catalog from the environment and is printed nowhere.
    for (Result result : List.of(runA, runB, rerun)) {
      assertThat(result.all()).doesNotContain(db.password());
    }
  }

  @Test
  void aWarehouseOptionBesideTheUsersCatalogIsRefused() {
    Result refused = corpusQa(Map.of("CORPUSQA_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/none", "CORPUSQA_JDBC_USER",
        "u", "CORPUSQA_JDBC_PASSWORD", "p", "CORPUSQA_WAREHOUSE_URI", tmp.toUri().toString()), "sql",
        "--warehouse", tmp.resolve("w").toString(), "SELECT 1");
    assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
    assertThat(refused.stderr()).contains("corpus-qa: Cannot use --warehouse " + tmp.resolve("w") + " with the catalog"
        + " configured in spark.sql.catalog.corpusqa (org.apache.iceberg.spark.SparkCatalog): its own settings say"
        + " where tables go; leave out --warehouse, or set spark.sql.catalog.corpusqa.warehouse").doesNotContain("\tat ");

    Result unset = corpusQa(Map.of(), "sql", "SELECT 1");
    assertThat(unset.exitCode()).as(unset.all()).isEqualTo(2);
    assertThat(unset.stderr()).contains("corpus-qa: Cannot configure the catalog: spark.sql.catalog.corpusqa.uri takes"
        + " its value from environment variable CORPUSQA_JDBC_URL, which is not set; export CORPUSQA_JDBC_URL");
  }
}
