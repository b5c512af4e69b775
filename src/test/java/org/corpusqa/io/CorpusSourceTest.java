package org.corpusqa.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.InputFormat;
import org.corpusqa.config.InputSlice;
import org.corpusqa.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusSourceTest {
  @TempDir Path tmp;

  /**
   * An archive laid out Hive-style (archive/month=2019-01/...): the month is only in the folder
   * names, and a backfill by --partition-column month must still find it, although Spark is given
   * the checked files rather than the archive's root.
   */
  @Test
  void readsPartitionColumnsFromFolderNames() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path archive = tmp.resolve("archive");
    for (String month : List.of("2019-01", "2019-02")) {
      Path dir = Files.createDirectories(archive.resolve("month=" + month));
      Files.writeString(dir.resolve("part-0.json"), "{\"doc_id\": \"doc-" + month + "\", \"text\": \"Текст.\"}\n");
    }

    List<String> months = CorpusSource.column(spark, archive.toString(), InputFormat.JSON, "month")
        .as(Encoders.STRING()).collectAsList();
    assertThat(months).containsExactlyInAnyOrder("2019-01", "2019-02");

    CorpusSource.Read february = CorpusSource.read(spark, archive.toString(), InputFormat.JSON, "doc_id", "text",
        new InputSlice(null, "month", "2019-02"));
    assertThat(february.records().select(CorpusSource.DOC_ID).as(Encoders.STRING()).collectAsList())
        .containsExactly("doc-2019-02");

    // A glob's folder part is the base: the month is found under it too.
    List<String> globbed = CorpusSource.column(spark, archive + "/month=*", InputFormat.JSON, "month")
        .as(Encoders.STRING()).collectAsList();
    assertThat(globbed).containsExactlyInAnyOrder("2019-01", "2019-02");
  }

  @Test
  void theFormatIsTheOneTheFileNamesSayAndAContradictionOrAMixIsAConfigurationError() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path jsonl = Files.createDirectories(tmp.resolve("jsonl"));
    Files.writeString(jsonl.resolve("a.jsonl"), "{\"doc_id\": \"a\", \"text\": \"Текст.\"}\n");
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write("{\"doc_id\": \"b\", \"text\": \"Текст.\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Files.write(jsonl.resolve("b.ndjson.gz"), gz.toByteArray());
    CorpusSource.Read read = CorpusSource.read(spark, jsonl.toString(), null, "doc_id", "text", InputSlice.ALL);
    assertThat(read.records().select(CorpusSource.DOC_ID).as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("a", "b");

    assertThatThrownBy(() -> CorpusSource.read(spark, jsonl.toString(), InputFormat.PARQUET, "doc_id", "text",
        InputSlice.ALL))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot read corpus " + jsonl + " as parquet: file:" + jsonl.resolve("a.jsonl") + " is json by its"
            + " name; set --input-format json, or leave the option out to go by the file names");

    Files.writeString(jsonl.resolve("c.csv"), "doc_id,text\nc,Текст.\n");
    assertThatThrownBy(() -> CorpusSource.read(spark, jsonl.toString(), null, "doc_id", "text", InputSlice.ALL))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot read corpus " + jsonl + ": it mixes file formats, json (file:" + jsonl.resolve("a.jsonl")
            + "), csv (file:" + jsonl.resolve("c.csv") + "); give each format its own run, with --input");

    Path unnamed = Files.createDirectories(tmp.resolve("unnamed"));
    Files.writeString(unnamed.resolve("part-00000"), "{\"doc_id\": \"a\", \"text\": \"Текст.\"}\n");
    assertThatThrownBy(() -> CorpusSource.read(spark, unnamed.toString(), null, "doc_id", "text", InputSlice.ALL))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot tell the format of corpus " + unnamed + " from its file names (file:"
            + unnamed.resolve("part-00000") + "); set --input-format (one of parquet, json, csv, orc)");
    assertThat(CorpusSource.read(spark, unnamed.toString(), InputFormat.JSON, "doc_id", "text", InputSlice.ALL)
        .records().count()).isEqualTo(1);
  }

  @Test
  void fileNamesSayTheirFormatWhateverTheirCompressionAndCase() {
    assertThat(InputFormat.ofFileName("part-00000-1.c000.snappy.parquet")).contains(InputFormat.PARQUET);
    assertThat(InputFormat.ofFileName("contracts.JSONL")).contains(InputFormat.JSON);
    assertThat(InputFormat.ofFileName("contracts.ndjson.zst")).contains(InputFormat.JSON);
    assertThat(InputFormat.ofFileName("contracts.json.gz")).contains(InputFormat.JSON);
    assertThat(InputFormat.ofFileName("export.csv.bz2")).contains(InputFormat.CSV);
    assertThat(InputFormat.ofFileName("part-0.snappy.orc")).contains(InputFormat.ORC);
    assertThat(InputFormat.ofFileName("part-00000")).isEmpty();
    assertThat(InputFormat.ofFileName("notes.txt.gz")).isEmpty();
  }
}
