package org.corpusqa.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.Chunking;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.InputFormat;
import org.corpusqa.config.QueriesFile;
import org.corpusqa.config.RunMode;
import org.corpusqa.config.RunOptions;
import org.corpusqa.qa.Query;
import org.corpusqa.testing.SparkTestSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackfillJobTest {
  private static final List<Query> QUERIES = QueriesFile.read(Paths.get("jobs/queries/contract-security.yaml"));
  private static SparkSession spark;
  private static Path archive;

  @TempDir static Path tmp;

  @BeforeAll
  static void writeArchive() {
    spark = SparkTestSession.get();
    archive = tmp.resolve("archive");
    // Four files; a "month" column for chunking by value.
    spark.read().json(Paths.get("jobs/sample/contracts.jsonl").toAbsolutePath().toString())
        .selectExpr("doc_id", "text", "CASE WHEN doc_id < 'contract-0004' THEN '2024-01'"
            + " WHEN doc_id < 'contract-0007' THEN '2024-02' ELSE '2024-03' END AS month")
        .repartition(4).write().parquet(archive.toString());
  }

  private static RunOptions options(String table) {
    return AnswerJobTest.options(archive.toString(), InputFormat.PARQUET, "doc_id", "text", table, QUERIES, null,
        RunMode.INCREMENTAL);
  }

  @Test
  void chunksByFilesAndResumesWithOnlyWhatIsLeft() {
    BackfillJob.Summary first = new BackfillJob(spark, options("answers_backfill_files"), Chunking.byFiles(1)).run();
    assertThat(first.chunks()).isEqualTo(4);
    assertThat(first.committedNow()).isEqualTo(4);
    assertThat(first.recordsAnswered()).isEqualTo(8);
    assertThat(spark.sql("SELECT count(*) FROM answers_backfill_files").first().getLong(0)).isEqualTo(16);
    List<Row> chunks = spark.sql("SELECT chunk FROM runs WHERE backfill_id = '" + first.backfillId() + "'")
        .collectAsList();
    assertThat(chunks).hasSize(4);

    BackfillJob.Summary again = new BackfillJob(spark, options("answers_backfill_files"), Chunking.byFiles(1)).run();
    assertThat(again.backfillId()).isEqualTo(first.backfillId());
    assertThat(again.alreadyCommitted()).isEqualTo(4);
    assertThat(again.committedNow()).isZero();
    assertThat(again.recordsAnswered()).isZero();
  }

  @Test
  void chunksByColumnValueWithinTheRange() {
    BackfillJob.Summary summary = new BackfillJob(spark, options("answers_backfill_months"),
        Chunking.byColumn("month", "2024-02", "2024-03")).run();
    assertThat(summary.chunks()).isEqualTo(2);
    assertThat(summary.recordsAnswered()).isEqualTo(5); // contract-0004 .. 0008
    assertThat(spark.sql("SELECT DISTINCT chunk FROM runs WHERE backfill_id = '" + summary.backfillId()
        + "' ORDER BY chunk").collectAsList()).extracting(r -> r.getString(0))
        .containsExactly("month=2024-02", "month=2024-03");
    assertThat(spark.sql("SELECT count(DISTINCT doc_id) FROM answers_backfill_months").first().getLong(0)).isEqualTo(5);
  }

  @Test
  void emptyRangeIsAConfigurationError() {
    assertThatThrownBy(() -> new BackfillJob(spark, options("answers_backfill_none"),
            Chunking.byColumn("month", "2030-01", "2030-12")).run())
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot backfill " + archive + ": no chunk to process (month in [2030-01, 2030-12]);"
            + " check --input and the range");
  }
}
