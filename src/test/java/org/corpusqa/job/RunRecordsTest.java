package org.corpusqa.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.InputFormat;
import org.corpusqa.config.QueriesFile;
import org.corpusqa.config.RunMode;
import org.corpusqa.config.RunOptions;
import org.corpusqa.io.RunSummary;
import org.corpusqa.qa.Query;
import org.corpusqa.testing.SparkTestSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runs table as the record of every run: RUNNING first, completed at the end, failures and interruptions marked. */
class RunRecordsTest {
  private static final List<Query> QUERIES = QueriesFile.read(Paths.get("jobs/queries/contract-security.yaml"));
  private static SparkSession spark;
  private static Path parquet;

  @TempDir static Path tmp;

  @BeforeAll
  static void writeCorpus() {
    spark = SparkTestSession.get();
    parquet = tmp.resolve("corpus.parquet");
    spark.read().json(Paths.get("jobs/sample/contracts.jsonl").toAbsolutePath().toString()).limit(3)
        .write().parquet(parquet.toString());
  }

  private static RunOptions options(String answers, String runs) {
    return AnswerJobTest.builder(parquet.toString(), InputFormat.PARQUET, "doc_id", "text", answers, QUERIES, null,
        RunMode.FULL).optTables(RunOptions.Tables.in(null, answers, "records_quarantine", runs, "records_labels")).build();
  }

  private static Row run(String runs, String runId) {
    return spark.sql("SELECT status, ended_at, records_read, records_answered, driver, error_class, answer_rows FROM "
        + runs + " WHERE run_id = '" + runId + "'").first();
  }

  @Test
  void aFinishedRunHasOneCompleteRowNamingItsDriver() {
    RunSummary summary = new AnswerJob(spark, options("records_answers", "records_runs")).run();
    assertThat(spark.sql("SELECT count(*) FROM records_runs WHERE run_id = '" + summary.runId() + "'").first()
        .getLong(0)).isEqualTo(1);
    Row row = run("records_runs", summary.runId());
    assertThat(row.getString(0)).isEqualTo("SUCCEEDED");
    assertThat(row.isNullAt(1)).isFalse();
    assertThat(row.getLong(2)).isEqualTo(3);
    assertThat(row.getLong(3)).isEqualTo(3);
    assertThat(row.getString(4)).isEqualTo(ProcessHandle.current().pid() + "@" + hostName());
    assertThat(row.isNullAt(5)).isTrue();
    assertThat(row.getLong(6)).isEqualTo(summary.answerRows());
  }

  @Test
  void aRunThatFailsAfterItsStartIsMarkedFailedWithTheErrorClass() {
    // --table naming some other table: the answers MERGE fails after the run was recorded.
    spark.sql("CREATE TABLE records_not_answers (x INT) USING iceberg");
    RunOptions options = options("records_not_answers", "records_failed_runs");
    assertThatThrownBy(() -> new AnswerJob(spark, options).run()).hasMessageContaining("model_sha256");
    Row row = spark.sql("SELECT status, ended_at, records_read, error_class FROM records_failed_runs").first();
    assertThat(row.getString(0)).isEqualTo("FAILED");
    assertThat(row.isNullAt(1)).isFalse();
    assertThat(row.isNullAt(2)).isTrue();
    assertThat(row.getString(3)).isNotBlank();
    assertThat(spark.sql("SELECT DISTINCT q.run_id FROM records_quarantine q LEFT ANTI JOIN records_failed_runs r"
        + " ON q.run_id = r.run_id").collectAsList()).isEmpty();
  }

  @Test
  void aLaterRunMarksRunsWhoseDriverIsGoneAsInterruptedAndLeavesTheOthers() throws IOException {
    spark.sql("CREATE TABLE records_earlier_runs (run_id STRING NOT NULL, mode STRING NOT NULL, input STRING NOT NULL,"
        + " model_name STRING NOT NULL, model_sha256 STRING NOT NULL, queries INT NOT NULL, started_at TIMESTAMP NOT"
        + " NULL, ended_at TIMESTAMP, records_read BIGINT, records_answered BIGINT, records_unchanged BIGINT,"
        + " records_duplicate BIGINT, records_quarantined BIGINT, unreadable_files BIGINT, pairs_answered BIGINT,"
        + " pairs_quarantined BIGINT, answer_rows BIGINT, windows BIGINT, windows_per_second DOUBLE, status STRING NOT"
        + " NULL, backfill_id STRING, chunk STRING, driver STRING, error_class STRING) USING iceberg");
    String host = hostName();
    long parent = ProcessHandle.current().parent().orElseThrow().pid();
    // No Linux pid reaches 999999999 (pid_max is at most 2^22).
    String counts = "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL";
    String earlier = "'full', 'in', 'm', 's', 2, TIMESTAMP '2026-11-30 01:00:00', " + counts;
    spark.sql("INSERT INTO records_earlier_runs VALUES"
        + " ('gone', " + earlier + ", 'RUNNING', NULL, NULL, '999999999@" + host + "', NULL),"
        + " ('alive', 'full', 'in', 'm', 's', 2, current_timestamp(), " + counts + ", 'RUNNING', NULL, NULL, '"
        + parent + "@" + host + "', NULL),"
        + " ('elsewhere', " + earlier + ", 'RUNNING', NULL, NULL, '42@other-host', NULL),"
        + " ('done', " + earlier + ", 'SUCCEEDED', NULL, NULL, '999999998@" + host + "', NULL)");
    new AnswerJob(spark, options("records_later_answers", "records_earlier_runs")).run();
    assertThat(status("gone")).isEqualTo("INTERRUPTED");
    // The parent JVM started before this row's run: it is the row's driver, alive.
    assertThat(status("alive")).isEqualTo("RUNNING");
    assertThat(status("elsewhere")).isEqualTo("RUNNING");
    assertThat(status("done")).isEqualTo("SUCCEEDED");
  }

  private static String status(String runId) {
    return spark.sql("SELECT status FROM records_earlier_runs WHERE run_id = '" + runId + "'").first().getString(0);
  }

  @Test
  void aRunsTableOfAnEarlierVersionIsBroughtUpToDateAndKeepsItsRows() {
    // The schema runs tables had before RUNNING rows: every count required, no driver or error_class.
    spark.sql("CREATE TABLE records_old_runs (run_id STRING NOT NULL, mode STRING NOT NULL, input STRING NOT NULL,"
        + " model_name STRING NOT NULL, model_sha256 STRING NOT NULL, queries INT NOT NULL, started_at TIMESTAMP NOT"
        + " NULL, ended_at TIMESTAMP NOT NULL, records_read BIGINT NOT NULL, records_answered BIGINT NOT NULL,"
        + " records_unchanged BIGINT NOT NULL, records_duplicate BIGINT NOT NULL, records_quarantined BIGINT NOT NULL,"
        + " unreadable_files BIGINT NOT NULL, pairs_answered BIGINT NOT NULL, pairs_quarantined BIGINT NOT NULL,"
        + " answer_rows BIGINT NOT NULL, windows BIGINT NOT NULL, windows_per_second DOUBLE NOT NULL, status STRING"
        + " NOT NULL, backfill_id STRING, chunk STRING) USING iceberg");
    spark.sql("INSERT INTO records_old_runs VALUES ('old', 'full', 'in', 'm', 's', 2, TIMESTAMP '2026-11-01 01:00:00',"
        + " TIMESTAMP '2026-11-01 01:01:00', 3, 3, 0, 0, 0, 0, 6, 0, 6, 9, 1.5, 'SUCCEEDED', NULL, NULL)");
    RunSummary summary = new AnswerJob(spark, options("records_old_answers", "records_old_runs")).run();
    assertThat(run("records_old_runs", summary.runId()).getString(0)).isEqualTo("SUCCEEDED");
    Row old = run("records_old_runs", "old");
    assertThat(old.getString(0)).isEqualTo("SUCCEEDED");
    assertThat(old.getLong(2)).isEqualTo(3);
    assertThat(old.isNullAt(4)).isTrue();
    assertThat(spark.table("records_old_runs").schema().apply("records_read").nullable()).isTrue();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
