package org.corpusqa.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
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
}
