package org.corpusqa.executor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.QueriesFile;
import org.corpusqa.io.SerializableConf;
import org.corpusqa.testing.SparkTestSession;
import org.corpusqa.testing.TestModels;
import org.junit.jupiter.api.Test;

/** Executors check the bundle they copied against the driver's sha256 before loading it. */
class ModelIntegrityTest {
  private static final SparkSession SPARK = SparkTestSession.get();

  private static AnswerTask task(String expectedSha256) {
    return AnswerTask.forModel(TestModels.TINY_BERT.toString(), expectedSha256, "tiny-bert", org.corpusqa.model.ModelTask.QUESTION_ANSWERING)
        .setRun("run-1", Instant.now())
        .setHadoopConf(SerializableConf.of(SPARK.sparkContext().hadoopConfiguration()))
        .setQueries(QueriesFile.read(Paths.get("jobs/queries/contract-security.yaml")), AnswerTask.Questions.ALL_QUERIES)
        .build();
  }

  @Test
  void aBundleThatChangedSinceTheDriverCheckedItAbortsTheTask() {
    PartitionAnswerer answerer = new PartitionAnswerer(task("0".repeat(64)),
        SPARK.sparkContext().longAccumulator(), SPARK.sparkContext().longAccumulator());
    Iterator<Row> rows = List.of(RowFactory.create("d", "Цена контракта.")).iterator();
    assertThatThrownBy(() -> answerer.call(rows))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Model bundle " + TestModels.TINY_BERT + " changed during the run: sha256 ")
        .hasMessageEndingWith(" on this executor, " + "0".repeat(64) + " on the driver; rerun the job");
  }
}
