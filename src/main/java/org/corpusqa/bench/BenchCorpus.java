package org.corpusqa.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.io.InputFormat;
import org.corpusqa.qa.Document;

/** The documents a bench measures, and their source as the report names it. */
public record BenchCorpus(List<Document> documents, String source) {
  /** Fixed, so that benches of the same size measure the same documents. */
  private static final long SYNTHETIC_SEED = 42;

  public static BenchCorpus synthetic(int documents) {
    return new BenchCorpus(SyntheticCorpus.generate(documents, SYNTHETIC_SEED), "synthetic");
  }

  /** The corpus's documents, read with Spark as run reads them (id and text columns). */
  public static BenchCorpus read(SparkSession spark, String path, InputFormat format) {
    List<Document> docs = new ArrayList<>();
    for (Row row : spark.read().format(format.sparkName()).load(path).select("doc_id", "text").collectAsList()) {
      if (row.getString(0) != null && row.getString(1) != null && !row.getString(1).isBlank()) {
        docs.add(new Document(row.getString(0), row.getString(1)));
      }
    }
    return new BenchCorpus(docs, path);
  }
}
