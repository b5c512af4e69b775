package org.corpusqa.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.config.RunMode;
import org.corpusqa.config.RunOptions;
import org.corpusqa.io.RunSummary;
import org.corpusqa.job.AnswerJob;
import org.corpusqa.qa.Document;

/**
 * The whole Spark job ({@code run}) on the bench's documents, timed from outside and held against
 * the engine alone on the same documents.
 */
public final class SparkJobBench {
  private final SparkSession spark;
  private final String modelUri;
  private final Path scratch;

  /** @param scratch a folder of the bench's own, for the corpus file the job reads */
  public SparkJobBench(SparkSession spark, String modelUri, Path scratch) {
    this.spark = spark;
    this.modelUri = modelUri;
    this.scratch = scratch;
  }

  Map<String, Object> measure(List<Document> docs, BenchSettings settings, Benchmark.EngineRun engine) {
    RunOptions run = runOptions(writeCorpus(docs), settings);
    long start = System.nanoTime();
    RunSummary summary = new AnswerJob(spark, run).run();
    double wall = (System.nanoTime() - start) / 1e9;
    return report(summary, wall, engine.wallSeconds());
  }

  private String writeCorpus(List<Document> docs) {
    // Parquet, as the corpora the job is run on are: JSON would add a schema-inference pass.
    String input = scratch.resolve("corpus.parquet").toString();
    List<Row> rows = new ArrayList<>();
    for (Document d : docs) {
      rows.add(RowFactory.create(d.id(), d.text()));
    }
    spark.createDataFrame(rows, new StructType().add("doc_id", DataTypes.StringType).add("text", DataTypes.StringType))
        .coalesce(1).write().parquet(input);
    return input;
  }

  private RunOptions runOptions(String input, BenchSettings settings) {
    // Full mode, so every document reaches the model however often the bench runs; no quarantine limit.
    return RunOptions.builder().setInput(input).setQueries(settings.queries()).setModel(modelUri)
        .optTables(RunOptions.Tables.in(null, "bench_answers", "bench_quarantine", "bench_runs", "bench_labels"))
        .optMode(RunMode.FULL).optMaxQuarantineShare(1.0).optEngineOptions(settings.options()).build();
  }

  private Map<String, Object> report(RunSummary summary, double wall, double engineWall) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("master", spark.sparkContext().master());
    out.put("records_answered", summary.recordsAnswered());
    out.put("wall_s", Benchmark.round(wall));
    out.put("engine_wall_s", Benchmark.round(engineWall));
    out.put("overhead_over_engine", Benchmark.round(wall / engineWall - 1));
    // The run's own split: its model stage against the engine alone, and the fixed cost around it
    // (checks, triage, placement, counts, table commits), which a larger corpus spreads thinner.
    out.put("model_stage_s", Benchmark.round(summary.seconds()));
    out.put("model_stage_over_engine", Benchmark.round(summary.seconds() / engineWall - 1));
    out.put("fixed_s", Benchmark.round(wall - summary.seconds()));
    return out;
  }
}
