package org.corpusqa.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.InputFormat;
import org.corpusqa.config.QueriesFile;
import org.corpusqa.config.RunMode;
import org.corpusqa.config.RunOptions;
import org.corpusqa.digest.Sha256;
import org.corpusqa.io.RunSummary;
import org.corpusqa.qa.Prefilter;
import org.corpusqa.qa.Query;
import org.corpusqa.testing.SampleContracts;
import org.corpusqa.testing.SparkTestSession;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnswerJobTest {
  private static final Path SAMPLE = SampleContracts.JSONL;
  private static final List<Query> QUERIES = QueriesFile.read(Paths.get("jobs/queries/contract-security.yaml"));
  private static SparkSession spark;
  private static Path parquet;
  private static Map<String, String> texts;

  @TempDir static Path tmp;

  @BeforeAll
  static void writeSampleAsParquet() throws IOException {
    spark = SparkTestSession.get();
    parquet = tmp.resolve("corpus.parquet");
    spark.read().json(SAMPLE.toString()).write().parquet(parquet.toString());
    texts = SampleContracts.texts();
  }

  private static RunOptions options(String table, List<Query> queries, String explain) {
    return options(parquet.toString(), InputFormat.PARQUET, "doc_id", "text", table, queries, explain, RunMode.FULL);
  }

  static RunOptions options(String input, InputFormat format, String idColumn, String textColumn, String table,
      List<Query> queries, String explain, RunMode mode) {
    return builder(input, format, idColumn, textColumn, table, queries, explain, mode).build();
  }

  static RunOptions.Builder builder(String input, InputFormat format, String idColumn, String textColumn,
      String table, List<Query> queries, String explain, RunMode mode) {
    return RunOptions.builder()
        .setInput(input).setQueries(queries).setModel(TestModels.TINY_BERT.toString())
        .optInputFormat(format).optColumns(idColumn, textColumn)
        .optTables(RunOptions.Tables.in(null, table, "quarantine", "runs", "labels")).optMode(mode).optExplain(explain, 3);
  }

  @Test
  void answersEveryQueryForEveryDocumentOnceAndRerunsChangeNothing() {
    RunSummary first = new AnswerJob(spark, options("answers_once", QUERIES, null)).run();
    assertThat(first.recordsRead()).isEqualTo(texts.size());
    assertThat(first.recordsAnswered()).isEqualTo(texts.size());
    assertThat(first.reconciles()).isTrue();
    assertThat(first.answerRows()).isEqualTo(2L * texts.size());
    assertThat(first.windows()).isGreaterThan(2L * texts.size());

    List<Row> rows = spark.sql("SELECT doc_id, query_id, rank, answer, start_char, end_char, score,"
        + " null_score, text_sha256, model_name, model_sha256, run_id FROM answers_once").collectAsList();
    assertThat(rows).hasSize(2 * texts.size());
    assertThat(rows.stream().map(r -> r.getString(0) + "/" + r.getString(1)).distinct()).hasSize(rows.size());
    for (Row row : rows) {
      assertThat(row.getInt(2)).isEqualTo(1);
      String text = texts.get(row.getString(0));
      if (!row.isNullAt(3)) {
        assertThat(row.getString(3)).isEqualTo(text.substring(row.getInt(4), row.getInt(5)));
      }
      assertThat(row.getString(8)).isEqualTo(Sha256.of(text));
      assertThat(row.getString(9)).isEqualTo("tiny-bert");
      assertThat(row.getString(11)).isEqualTo(first.runId());
    }

    new AnswerJob(spark, options("answers_once", QUERIES, null)).run();
    assertThat(spark.sql("SELECT count(*) FROM answers_once").first().getLong(0)).isEqualTo(2L * texts.size());
    // Incremental: everything is answered for this model and these texts, so nothing goes to the model.
    RunSummary incremental = new AnswerJob(spark, options(parquet.toString(), InputFormat.PARQUET, "doc_id", "text",
        "answers_once", QUERIES, null, RunMode.INCREMENTAL)).run();
    assertThat(incremental.recordsAnswered()).isZero();
    assertThat(incremental.recordsUnchanged()).isEqualTo(texts.size());
    assertThat(incremental.windows()).isZero();
    assertThat(spark.sql("SELECT count(*) FROM answers_once").first().getLong(0)).isEqualTo(2L * texts.size());
    // A query whose wording changed under the same id is asked again; the other is not.
    List<Query> reworded = List.of(QUERIES.get(0),
        new Query(QUERIES.get(1).id(), "гарантийные обязательства", QUERIES.get(1).settings()));
    RunSummary again = new AnswerJob(spark, options(parquet.toString(), InputFormat.PARQUET, "doc_id", "text",
        "answers_once", reworded, null, RunMode.INCREMENTAL)).run();
    assertThat(again.recordsAnswered()).isEqualTo(texts.size());
    assertThat(again.answerRows()).isEqualTo(texts.size());
    assertThat(spark.sql("SELECT count(*) FROM answers_once WHERE question = 'гарантийные обязательства'")
        .first().getLong(0)).isEqualTo(texts.size());
  }

  @Test
  void everySparkJobOfARunIsNamedAfterItsStep() throws Exception {
    List<String> descriptions = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
        descriptions.add(String.valueOf(job.properties().getProperty("spark.job.description")));
      }
    };
    spark.sparkContext().addSparkListener(listener);
    RunSummary run;
    try {
      run = new AnswerJob(spark, options("answers_described", QUERIES, null)).run();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    String prefix = "corpus-qa run " + run.runId() + ": ";
    assertThat(descriptions).isNotEmpty().allSatisfy(d -> assertThat(d).startsWith(prefix));
    assertThat(descriptions.stream().map(d -> d.substring(prefix.length())).distinct().toList())
        .contains("model stage: answering 2 queries", "counting", "merging quarantine and answers",
            "recording the run's start", "recording the run's end");
    // A later job of the same thread is not described as the run's.
    spark.range(1).count();
    assertThat(spark.sparkContext().getLocalProperty("spark.job.description")).isNull();
  }

  @Test
  void recordsThatCannotBeAnsweredAreQuarantinedWithTheirReason() {
    Path bad = tmp.resolve("bad.parquet");
    spark.sql("SELECT * FROM VALUES ('a', 'Цена контракта.'), (NULL, 'Срок поставки.'), ('b', NULL),"
            + " ('c', ' \\n '), ('dup', 'Один текст.'), ('dup', 'Один текст.'), ('conflict', 'Первый.'),"
            + " ('conflict', 'Второй.') AS t(doc_id, text)")
        .write().parquet(bad.toString());
    RunOptions options = options(bad.toString(), InputFormat.PARQUET, "doc_id", "text", "answers_bad", QUERIES,
        null, RunMode.FULL);
    // Twice: a rerun merges the same quarantine rows again without a duplicate key.
    for (int run = 0; run < 2; run++) {
      assertThatThrownBy(() -> new AnswerJob(spark, options).run())
          .isInstanceOf(QuarantineShareExceededException.class)
          .hasMessageContaining("quarantined 5 records, 0 records' (document, question) pairs and 0 unreadable files,"
              + " of 8 records read and 0 unreadable files (62.5%), more than --max-quarantine-share 5.0%; answers were"
              + " written");
    }
    List<Row> reasons = spark.sql("SELECT record_key, reason, detail FROM quarantine WHERE run_id ="
        + " (SELECT max_by(run_id, ended_at) FROM runs) ORDER BY reason, record_key").collectAsList();
    assertThat(reasons).extracting(r -> r.getString(1) + " " + r.getString(0))
        .containsExactly("CONFLICTING_DUPLICATE_ID conflict", "CONFLICTING_DUPLICATE_ID conflict",
            "EMPTY_TEXT b", "EMPTY_TEXT c", "MISSING_DOC_ID sha256:" + Sha256.of("Срок поставки."));
    assertThat(reasons.get(0).getString(2)).isEqualTo("document id appears with 2 different texts in this input; none answered");
    Row run = spark.sql("SELECT records_read, records_answered, records_unchanged, records_duplicate,"
        + " records_quarantined, status FROM runs ORDER BY ended_at DESC LIMIT 1").first();
    assertThat(run.getLong(0)).isEqualTo(8);
    assertThat(run.getLong(1)).isEqualTo(2); // a, dup
    assertThat(run.getLong(2)).isZero();
    assertThat(run.getLong(3)).isEqualTo(1);
    assertThat(run.getLong(4)).isEqualTo(5);
    assertThat(run.getString(5)).isEqualTo("FAILED_QUARANTINE_SHARE");
    assertThat(spark.sql("SELECT DISTINCT doc_id FROM answers_bad ORDER BY doc_id").collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("a", "dup");
  }

  @Test
  void poisonCorpusFailsNoJobAndAccountsForEveryRecord() throws IOException {
    Path dir = tmp.resolve("poison-json");
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new java.util.ArrayList<>();
    String[][] good = {
        {"emoji", "Обеспечение 😀 исполнения 👍🏽 контракта 🇷🇺 составляет 5 %."},
        {"cjk", "合同履约担保 обеспечение 金额 10%."},
        {"zero-width", "Обеспе\u200bчение\u200d исполнения\ufeff контракта."},
        {"control", "Цена\u0001 контракта\u0007 составляет\u001f 100 рублей."},
        {"rtl", "ضمان обеспечение исполнения עברית контракта."},
        {"42", "Числовой идентификатор документа."}};
    for (String[] d : good) {
      lines.add(json.writeValueAsString(Map.of("doc_id", d[0], "text", d[1])));
    }
    lines.add(json.writeValueAsString(Map.of("doc_id", "huge", "text", "слово ".repeat(5_000))));
    lines.add("{\"doc_id\": \"broken\", \"text\": \"не закрыта");
    lines.add("not json at all");
    lines.add("{\"doc_id\": null, \"text\": \"без идентификатора\"}");
    lines.add("{\"doc_id\": \"no-text\"}");
    lines.add("{\"doc_id\": \"blank\", \"text\": \"\\u200b \\u00a0\\t\"}");
    Files.write(dir.resolve("part-1.jsonl"), lines);
    RunOptions options = builder(dir.toString(), InputFormat.JSON, "doc_id", "text", "answers_poison", QUERIES, null,
        RunMode.FULL).optExplain(null, 1).optMaxTextChars(20_000).optMaxQuarantineShare(1.0).build();
    RunSummary summary = new AnswerJob(spark, options).run();
    assertThat(summary.recordsRead()).isEqualTo(12);
    assertThat(summary.recordsAnswered()).isEqualTo(6);
    assertThat(summary.recordsQuarantined()).isEqualTo(6);
    assertThat(summary.reconciles()).isTrue();
    List<Row> reasons = spark.sql("SELECT reason, count(*) FROM quarantine WHERE run_id = '" + summary.runId()
        + "' GROUP BY reason ORDER BY reason").collectAsList();
    assertThat(reasons).extracting(r -> r.getString(0) + "=" + r.getLong(1))
        .containsExactly("EMPTY_TEXT=2", "MALFORMED_RECORD=2", "MISSING_DOC_ID=1", "TEXT_TOO_LARGE=1");
    assertThat(spark.sql("SELECT detail FROM quarantine WHERE run_id = '" + summary.runId() + "'").collectAsList())
        .allSatisfy(r -> assertThat(r.getString(0)).doesNotContain("не закрыта").doesNotContain("слово"));
    assertThat(spark.sql("SELECT DISTINCT doc_id FROM answers_poison").collectAsList()).hasSize(6);
    for (Row row : spark.sql("SELECT doc_id, answer, start_char, end_char FROM answers_poison").collectAsList()) {
      assertThat(row.getString(1)).isNotNull();
    }
  }

  @Test
  void truncatedParquetFileIsQuarantinedByPath() throws IOException {
    Path dir = tmp.resolve("poison-parquet");
    spark.read().json(SAMPLE.toString()).limit(3).repartition(1).write().parquet(dir.toString());
    Path good;
    try (Stream<Path> files = Files.list(dir)) {
      good = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = dir.resolve("part-truncated.parquet");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    // One file of four items (3 records + 1 file) is 25%: allowed here, this test is about the quarantine row.
    RunOptions base = builder(dir.toString(), InputFormat.PARQUET, "doc_id", "text", "answers_truncated", QUERIES,
        null, RunMode.FULL).optMaxQuarantineShare(0.5).build();
    RunSummary summary = new AnswerJob(spark, base).run();
    assertThat(summary.recordsRead()).isEqualTo(3);
    assertThat(summary.recordsAnswered()).isEqualTo(3);
    assertThat(summary.unreadableFiles()).isEqualTo(1);
    Row file = spark.sql("SELECT record_key, reason, source_file, error_class FROM quarantine WHERE run_id = '"
        + summary.runId() + "'").first();
    assertThat(file.getString(1)).isEqualTo("UNREADABLE_FILE");
    assertThat(file.getString(2)).endsWith("part-truncated.parquet");
    assertThat(file.getString(0)).isEqualTo("file:" + file.getString(2));
  }

  /** Moves the one Parquet file Spark wrote under {@code written} to {@code target}. */
  private static void moveParquetFile(Path written, Path target) throws IOException {
    try (Stream<Path> files = Files.list(written)) {
      Files.move(files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow(), target);
    }
  }

  @Test
  void aFileWhoseTextIsBinaryIsQuarantinedAndTheOthersAnsweredWhateverTheFileOrder() throws IOException {
    for (String binaryName : List.of("a-binary.parquet", "z-binary.parquet")) {
      Path dir = tmp.resolve("mixed-" + binaryName);
      Files.createDirectories(dir);
      Path written = tmp.resolve("written-" + binaryName);
      spark.read().json(SAMPLE.toString()).limit(4).repartition(1).write().parquet(written.resolve("good").toString());
      moveParquetFile(written.resolve("good"), dir.resolve("m-good.parquet"));
      // A text column of UTF-16 bytes, as the corpus had: Parquet binary without a string annotation.
      spark.sql("SELECT 'utf16' AS doc_id, encode('Договор поставки', 'UTF-16') AS text").repartition(1).write()
          .parquet(written.resolve("binary").toString());
      moveParquetFile(written.resolve("binary"), dir.resolve(binaryName));
      RunSummary summary = new AnswerJob(spark, builder(dir.toString(), InputFormat.PARQUET, "doc_id", "text",
          "answers_mixed", QUERIES, null, RunMode.FULL).optMaxQuarantineShare(0.5).build()).run();
      assertThat(summary.recordsRead()).as(binaryName).isEqualTo(4);
      assertThat(summary.recordsAnswered()).as(binaryName).isEqualTo(4);
      assertThat(summary.unreadableFiles()).as(binaryName).isEqualTo(1);
      Row file = spark.sql("SELECT reason, source_file, detail, error_class FROM quarantine WHERE run_id = '"
          + summary.runId() + "'").first();
      assertThat(file.getString(0)).isEqualTo("SCHEMA_MISMATCH");
      assertThat(file.getString(1)).endsWith(binaryName);
      assertThat(file.getString(2)).isEqualTo("column 'text' is binary, not string; the file was not read");
      assertThat(file.isNullAt(3)).isTrue();
      assertThat(spark.sql("SELECT count(*) FROM answers_mixed WHERE doc_id = 'utf16'").first().getLong(0)).isZero();
    }
  }

  @Test
  void filesWhoseIdTypeDiffersFromMostAreQuarantined() throws IOException {
    Path dir = tmp.resolve("mixed-ids");
    Files.createDirectories(dir);
    Path written = tmp.resolve("written-ids");
    List<Row> sample = spark.read().json(SAMPLE.toString()).select("doc_id", "text").limit(3).collectAsList();
    for (int i = 0; i < sample.size(); i++) {
      spark.sql("SELECT '" + sample.get(i).getString(0) + "' AS doc_id, text FROM json.`" + SAMPLE + "` WHERE doc_id"
          + " = '" + sample.get(i).getString(0) + "'").repartition(1).write().parquet(written.resolve("s" + i).toString());
      moveParquetFile(written.resolve("s" + i), dir.resolve("b" + i + ".parquet"));
    }
    spark.sql("SELECT 7 AS doc_id, 'Договор поставки номер семь.' AS text").repartition(1).write()
        .parquet(written.resolve("int").toString());
    moveParquetFile(written.resolve("int"), dir.resolve("a-int.parquet"));
    RunSummary summary = new AnswerJob(spark, builder(dir.toString(), InputFormat.PARQUET, "doc_id", "text",
        "answers_mixed_ids", QUERIES, null, RunMode.FULL).optMaxQuarantineShare(0.5).build()).run();
    assertThat(summary.recordsAnswered()).isEqualTo(3);
    Row file = spark.sql("SELECT reason, detail FROM quarantine WHERE run_id = '" + summary.runId() + "'").first();
    assertThat(file.getString(0)).isEqualTo("SCHEMA_MISMATCH");
    assertThat(file.getString(1)).isEqualTo("column 'doc_id' is int, while 3 of 4 files have string; the file was"
        + " not read");
  }

  @Test
  void aTextThatIsNotValidUtf8IsQuarantinedNotAnswered() throws IOException {
    Path parquetDir = tmp.resolve("invalid-utf8.parquet");
    // cast(binary AS string) keeps the bytes: C3 28 is a broken two-byte sequence.
    spark.sql("SELECT 'broken' AS doc_id, cast(concat(encode('Договор ', 'UTF-8'), unhex('C328')) AS string) AS text"
        + " UNION ALL SELECT 'fine' AS doc_id, 'Договор поставки, обеспечение исполнения контракта.' AS text")
        .write().parquet(parquetDir.toString());
    Path json = tmp.resolve("invalid-utf8.jsonl");
    java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
    lines.write("{\"doc_id\": \"broken\", \"text\": \"Договор ".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    lines.write(new byte[] {(byte) 0xC3, 0x28});
    lines.write(("\"}\n{\"doc_id\": \"fine\", \"text\": \"Договор поставки, обеспечение исполнения контракта.\"}\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Files.write(json, lines.toByteArray());
    for (InputFormat format : List.of(InputFormat.PARQUET, InputFormat.JSON)) {
      String input = (format == InputFormat.PARQUET ? parquetDir : json).toString();
      RunSummary summary = new AnswerJob(spark, builder(input, format, "doc_id", "text", "answers_utf8", QUERIES, null,
          RunMode.FULL).optMaxQuarantineShare(1.0).build()).run();
      assertThat(summary.recordsAnswered()).as(input).isEqualTo(1);
      assertThat(summary.recordsQuarantined()).as(input).isEqualTo(1);
      Row row = spark.sql("SELECT doc_id, reason, detail FROM quarantine WHERE run_id = '" + summary.runId() + "'")
          .first();
      if (format == InputFormat.JSON) {
        // Spark's JSON parser refuses the bytes itself: the whole line is a malformed record.
        assertThat(row.getString(1)).isEqualTo("MALFORMED_RECORD");
      } else {
        assertThat(row.getString(0)).isEqualTo("broken");
        assertThat(row.getString(1)).isEqualTo("INVALID_ENCODING");
        assertThat(row.getString(2)).startsWith("text is not valid UTF-8 (17 bytes) in ");
      }
      assertThat(spark.sql("SELECT count(*) FROM answers_utf8 WHERE run_id = '" + summary.runId() + "' AND doc_id"
          + " <> 'fine'").first().getLong(0)).isZero();
    }
  }

  @Test
  void brokenCompressedJsonFileIsQuarantinedByPath() throws IOException {
    Path dir = tmp.resolve("poison-gzip");
    Files.createDirectories(dir);
    List<String> lines = Files.readAllLines(SAMPLE);
    Files.write(dir.resolve("good.jsonl"), lines.subList(0, 3));
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write(String.join("\n", lines.subList(3, 7)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    byte[] bytes = gz.toByteArray();
    Files.write(dir.resolve("broken.jsonl.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    RunSummary summary = new AnswerJob(spark, builder(dir.toString(), InputFormat.JSON, "doc_id", "text",
        "answers_gzip", QUERIES, null, RunMode.FULL).optMaxQuarantineShare(0.5).build()).run();
    assertThat(summary.recordsRead()).isEqualTo(3);
    assertThat(summary.recordsAnswered()).isEqualTo(3);
    assertThat(summary.unreadableFiles()).isEqualTo(1);
    Row file = spark.sql("SELECT reason, source_file FROM quarantine WHERE run_id = '" + summary.runId() + "'").first();
    assertThat(file.getString(0)).isEqualTo("UNREADABLE_FILE");
    assertThat(file.getString(1)).endsWith("broken.jsonl.gz");
  }

  @Test
  void topKGivesThatManyRanksPerDocumentAndQuestion() {
    List<Query> three = QueriesFile.parse("k.yaml",
        "defaults:\n  top_k: 3\nqueries:\n  - id: perf\n    question: обеспечение исполнения контракта\n");
    new AnswerJob(spark, options("answers_top3", three, null)).run();
    List<Row> counts = spark.sql("SELECT doc_id, count(*), min(rank), max(rank) FROM answers_top3 GROUP BY doc_id")
        .collectAsList();
    assertThat(counts).hasSize(texts.size());
    for (Row r : counts) {
      assertThat(r.getLong(1)).isEqualTo(3);
      assertThat(r.getInt(2)).isEqualTo(1);
      assertThat(r.getInt(3)).isEqualTo(3);
    }
  }

  /**
   * A rerun with fewer ranks (top_k 3, then 1) removes the ranks it no longer gives, in the same
   * commit as the new rank 1: no reader sees a rank 2 or 3 left over from the earlier run.
   */
  @Test
  void rerunWithFewerRanksRemovesTheStaleOnes() {
    String yaml = "defaults:\n  top_k: %d\nqueries:\n  - id: perf\n    question: обеспечение исполнения контракта\n";
    new AnswerJob(spark, options("answers_shrink", QueriesFile.parse("k3.yaml", String.format(yaml, 3)), null)).run();
    assertThat(spark.sql("SELECT count(*) FROM answers_shrink").first().getLong(0)).isEqualTo(3L * texts.size());
    long snapshots = spark.sql("SELECT count(*) FROM qa.answers_shrink.snapshots").first().getLong(0);

    new AnswerJob(spark, options("answers_shrink", QueriesFile.parse("k1.yaml", String.format(yaml, 1)), null)).run();

    List<Row> ranks = spark.sql("SELECT doc_id, count(*), max(rank) FROM answers_shrink GROUP BY doc_id").collectAsList();
    assertThat(ranks).hasSize(texts.size());
    for (Row r : ranks) {
      assertThat(r.getLong(1)).as(r.getString(0)).isEqualTo(1);
      assertThat(r.getInt(2)).isEqualTo(1);
    }
    assertThat(spark.sql("SELECT count(*) FROM qa.answers_shrink.snapshots").first().getLong(0)).isEqualTo(snapshots + 1);
  }

  @Test
  void explainWritesEveryWindowOfTheFirstDocuments() throws IOException {
    Path explain = tmp.resolve("explain");
    RunSummary summary = new AnswerJob(spark, options("answers_explained", QUERIES, explain.toString())).run();
    List<JsonNode> lines;
    try (Stream<Path> files = Files.list(explain)) {
      ObjectMapper json = new ObjectMapper();
      lines = files.filter(p -> p.getFileName().toString().matches("part-\\d{5}\\.jsonl"))
          .flatMap(p -> {
            try {
              return Files.readAllLines(p).stream();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .map(line -> {
            try {
              return json.readTree(line);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .toList();
    }
    assertThat(lines.stream().map(l -> l.get("doc_id").asText()).distinct()).hasSize(3); // --explain-limit 3
    // After each (document, question)'s windows, one line with its answers and what was pooled into each.
    List<JsonNode> answerLines = lines.stream().filter(l -> l.has("answers")).toList();
    lines = lines.stream().filter(l -> !l.has("answers")).toList();
    assertThat(answerLines).hasSize(3 * QUERIES.size());
    for (JsonNode line : answerLines) {
      assertThat(line.get("pooling").asText()).isEqualTo("text");
      for (JsonNode answer : line.get("answers")) {
        if (!answer.has("start_char")) {
          continue;
        }
        double sum = 0;
        for (JsonNode source : answer.get("sources")) {
          sum += source.get("score").asDouble();
          assertThat(source.get("window").asInt()).isNotNegative();
        }
        assertThat(answer.get("sources").size()).isPositive();
        assertThat(answer.get("score").asDouble()).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(answer.get("sources").get(0).get("start_char").asInt()).isEqualTo(answer.get("start_char").asInt());
      }
    }
    assertThat(summary.windows()).isGreaterThanOrEqualTo(lines.size());
    for (JsonNode line : lines) {
      int tokens = line.get("start_logits").size();
      assertThat(line.get("end_logits").size()).isEqualTo(tokens);
      assertThat(line.get("offsets").size()).isEqualTo(tokens);
      assertThat(line.get("sequence_ids").size()).isEqualTo(tokens);
      assertThat(line.get("word_ids").size()).isEqualTo(tokens);
      assertThat(line.get("sequence_ids").get(0).isNull()).isTrue();
      String text = texts.get(line.get("doc_id").asText());
      for (int i = 0; i < tokens; i++) {
        JsonNode offset = line.get("offsets").get(i);
        boolean context = line.get("sequence_ids").get(i).asInt(-1) == 1;
        assertThat(offset.isNull()).isEqualTo(!context);
        if (context) {
          assertThat(offset.get(1).asInt()).isBetween(offset.get(0).asInt() + 1, text.length());
        }
      }
    }
    assertThatThrownBy(() -> new AnswerJob(spark, options("answers_explained", QUERIES, explain.toString())).run())
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot write explain output to " + explain + ": the directory is not empty;"
            + " give a new directory or empty this one");
  }

  @Test
  void missingTextColumnFailsBeforeAnyTableIsCreated() {
    RunOptions wrong = options(parquet.toString(), InputFormat.PARQUET, "doc_id", "body", "answers_never", QUERIES,
        null, RunMode.FULL);
    assertThatThrownBy(() -> new AnswerJob(spark, wrong).run())
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot read corpus " + parquet + ": missing column 'body'; it has [doc_id, text];"
            + " set --text-column");
    assertThat(spark.catalog().tableExists("answers_never")).isFalse();
  }

  @Test
  void mistypedColumnsAreNamed() {
    Path typed = tmp.resolve("typed.parquet");
    spark.sql("SELECT CAST(1.5 AS DOUBLE) AS doc_id, 7 AS text, 'x' AS body").write().parquet(typed.toString());
    RunOptions badId = options(typed.toString(), InputFormat.PARQUET, "doc_id", "body", "answers_never", QUERIES,
        null, RunMode.FULL);
    assertThatThrownBy(() -> new AnswerJob(spark, badId).run())
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot use column 'doc_id' of " + typed + " as document id: must be a string or an"
            + " integer, got: double");
    RunOptions badText = options(typed.toString(), InputFormat.PARQUET, "body", "text", "answers_never", QUERIES,
        null, RunMode.FULL);
    assertThatThrownBy(() -> new AnswerJob(spark, badText).run())
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot use column 'text' of " + typed + " as document text: must be a string, got: int");
  }

  @Test
  void queryThatTheModelCannotTakeFailsBeforeReadingData() {
    List<Query> tooLong = QueriesFile.parse("l.yaml", "queries:\n  - id: a\n    question: q\n    max_seq_len: 512\n");
    RunOptions options = options("/no/such/input", InputFormat.PARQUET, "doc_id", "text", "answers_never", tooLong,
        null, RunMode.FULL);
    assertThatThrownBy(() -> new AnswerJob(spark, options).run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use query 'a': max_seq_len 512 exceeds the model's max_seq_len 384; set"
            + " max_seq_len to at most 384");
  }

  @Test
  void aQuestionTooLongForTheWindowFailsBeforeTheModelLoads() throws IOException {
    // A bundle whose model cannot load: the question's check must come first, with the tokenizer alone.
    Path broken = TestModels.copy(TestModels.TINY_BERT, tmp.resolve("tiny-bert-unloadable"));
    Files.writeString(broken.resolve("model.pt"), "not a TorchScript file");
    String question = "обеспечение исполнения контракта ".repeat(130);
    List<Query> queries = QueriesFile.parse("l.yaml", "queries:\n  - id: long\n    question: " + question + "\n");
    RunOptions options = builder("/no/such/input", InputFormat.PARQUET, "doc_id", "text", "answers_never", queries,
        null, RunMode.FULL).setModel(broken.toString()).build();
    assertThatThrownBy(() -> new AnswerJob(spark, options).run())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Cannot use query 'long': its question is ")
        .hasMessageContaining("tokens of context in a window of max_seq_len 384 (3 special tokens), and a window"
            + " needs more than doc_stride 128; shorten the question");
  }

  @Test
  void aPrefilteredQueryReadsFewerWindowsAndSaysSoInAnswersRunsAndExplain() throws IOException {
    Query plain = QUERIES.get(0);
    Query prefiltered = new Query("performance_prefiltered", plain.question(), plain.settings(), new Prefilter(2, 1));
    Path explain = tmp.resolve("explain-prefilter");
    RunSummary summary = new AnswerJob(spark, options("answers_prefilter", List.of(plain, prefiltered),
        explain.toString())).run();
    Map<String, Row> byQuery = new java.util.HashMap<>();
    for (Row row : spark.sql("SELECT query_id, windows_read, windows_total FROM answers_prefilter"
        + " WHERE doc_id = 'contract-0008-long' AND rank = 1").collectAsList()) {
      byQuery.put(row.getString(0), row);
    }
    // The long contract: every window for the plain query, two for the prefiltered one.
    assertThat(byQuery.get(plain.id()).getInt(1)).isEqualTo(byQuery.get(plain.id()).getInt(2)).isEqualTo(24);
    assertThat(byQuery.get(prefiltered.id()).getInt(1)).isEqualTo(2);
    assertThat(byQuery.get(prefiltered.id()).getInt(2)).isEqualTo(24);
    assertThat(summary.windowsTotal() - summary.windowsRead()).isEqualTo(22);
    assertThat(summary.toString()).contains("(the prefilter skipped 22 of " + summary.windowsTotal() + ")");
    Row run = spark.sql("SELECT windows_read, windows_total, windows FROM runs WHERE run_id = '" + summary.runId() + "'")
        .first();
    assertThat(run.getLong(0)).isEqualTo(summary.windowsRead()).isEqualTo(run.getLong(2));
    assertThat(run.getLong(1)).isEqualTo(summary.windowsRead() + 22);
    List<String> skipped = new java.util.ArrayList<>();
    try (var files = Files.list(explain)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList()) {
        Files.readAllLines(file).stream().filter(l -> l.contains("\"skipped\":true")).forEach(skipped::add);
      }
    }
    assertThat(skipped).isNotEmpty().allSatisfy(l -> assertThat(l).contains("\"query_id\":\"performance_prefiltered\"")
        .contains("\"lexical_score\":").contains("\"start_char\":").doesNotContain("logits"));
  }

  @Test
  void anInputOfWhichNoFileOpensAsItsFormatIsAConfigurationError() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("json-named-parquet"));
    Files.write(dir.resolve("contracts.parquet"), Files.readAllLines(SAMPLE));
    RunOptions options = options(dir.toString(), null, "doc_id", "text", "answers_misnamed", QUERIES, null,
        RunMode.FULL);
    assertThatThrownBy(() -> new AnswerJob(spark, options).run())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Cannot read corpus " + dir + " as parquet: none of its 1 files can be read as parquet (")
        .hasMessageContaining("contracts.parquet: ")
        .hasMessageEndingWith("; if they are of another format, set --input-format; if they are damaged, replace them");
    assertThat(spark.catalog().tableExists("qa.answers_misnamed")).isFalse();
  }

  @Test
  void unreadableInputIsAConfigurationError() {
    RunOptions options = options("/no/such/input", InputFormat.PARQUET, "doc_id", "text", "answers_never", QUERIES,
        null, RunMode.FULL);
    assertThatThrownBy(() -> new AnswerJob(spark, options).run())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Cannot read corpus /no/such/input: ")
        .hasMessageEndingWith("; check --input");
  }
}
