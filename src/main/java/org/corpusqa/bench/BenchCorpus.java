package org.corpusqa.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.InputFormat;
import org.corpusqa.config.InputSlice;
import org.corpusqa.eval.EvalContext;
import org.corpusqa.eval.EvalDataReader;
import org.corpusqa.eval.EvalInput;
import org.corpusqa.io.CorpusSource;
import org.corpusqa.io.UnreadableFile;
import org.corpusqa.qa.Document;

/** The documents a bench measures, and their source as the report names it. */
public record BenchCorpus(List<Document> documents, String source) {
  /** Fixed, so that benches of the same size measure the same documents. */
  private static final long SYNTHETIC_SEED = 42;

  public static BenchCorpus synthetic(int documents) {
    return new BenchCorpus(SyntheticCorpus.generate(documents, SYNTHETIC_SEED), "synthetic");
  }

  /** The contexts of a SQuAD-format file, one document each (their questions are not used). */
  public static BenchCorpus squadContexts(Path file) {
    List<Document> docs = new ArrayList<>();
    for (EvalContext c : EvalDataReader.read(file, EvalInput.SQUAD).contexts()) {
      docs.add(new Document(c.docId(), c.text()));
    }
    return new BenchCorpus(docs, file.toString());
  }

  /**
   * The corpus's documents with an id and a non-blank text, read as {@code run} reads them (its
   * {@code doc_id} and {@code text} columns).
   */
  public static BenchCorpus read(SparkSession spark, String path, InputFormat format) {
    CorpusSource.Read read =
        CorpusSource.read(spark, path, format, CorpusSource.DOC_ID, CorpusSource.TEXT, InputSlice.ALL);
    refuseUnreadable(path, read.unreadable());
    List<Document> docs = new ArrayList<>();
    for (Row row : read.records().select(CorpusSource.DOC_ID, CorpusSource.TEXT).collectAsList()) {
      if (row.getString(0) != null && row.getString(1) != null && !row.getString(1).isBlank()) {
        docs.add(new Document(row.getString(0), row.getString(1)));
      }
    }
    return new BenchCorpus(docs, path);
  }

  /**
   * A bench measures the corpus it is given: files the job would quarantine are an error here, not
   * documents silently left out of the figures.
   */
  private static void refuseUnreadable(String path, List<UnreadableFile> unreadable) {
    if (!unreadable.isEmpty()) {
      UnreadableFile first = unreadable.get(0);
      throw new ConfigException(String.format(
          "Cannot bench --corpus %s: %d file(s) cannot be read, got: %s (%s: %s)",
          path, unreadable.size(), first.path(), first.errorClass(), first.detail()));
    }
  }
}
