package org.corpusqa.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.eval.EvalDataset;
import org.corpusqa.eval.EvalFormat;
import org.corpusqa.eval.EvaluationResult;
import org.corpusqa.qa.DecodingSettings;

/**
 * The {@code evaluations} Iceberg table: one row appended per {@code evaluate}, so that models can
 * be compared over time in SQL. The headline metrics are columns; {@code metrics_json} holds them
 * all, per query included.
 */
public final class EvaluationsTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("evaluated_at", DataTypes.TimestampType, false)
          .add("model_name", DataTypes.StringType, false)
          .add("model_sha256", DataTypes.StringType, false)
          .add("dataset", DataTypes.StringType, false)
          .add("dataset_sha256", DataTypes.StringType, false)
          .add("format", DataTypes.StringType, false)
          .add("settings_json", DataTypes.StringType, false)
          .add("questions", DataTypes.IntegerType, false)
          // SQuAD-scored formats: null for classification (glue, yesno).
          .add("exact", DataTypes.DoubleType, true)
          .add("f1", DataTypes.DoubleType, true)
          .add("has_ans_exact", DataTypes.DoubleType, true)
          .add("has_ans_f1", DataTypes.DoubleType, true)
          .add("no_ans_exact", DataTypes.DoubleType, true)
          .add("no_ans_f1", DataTypes.DoubleType, true)
          .add("best_f1", DataTypes.DoubleType, true)
          .add("best_f1_thresh", DataTypes.DoubleType, true)
          .add("metrics_json", DataTypes.StringType, false)
          // Classification formats (glue, yesno): null for SQuAD-scored ones.
          .add("accuracy", DataTypes.DoubleType, true)
          .add("macro_f1", DataTypes.DoubleType, true)
          .add("weighted_f1", DataTypes.DoubleType, true)
          .add("matthews_corrcoef", DataTypes.DoubleType, true);

  private final IcebergTable table;

  private EvaluationsTable(SparkSession spark, String name) {
    this.table = new IcebergTable(spark, name, SCHEMA, null, List.of(),
        java.util.Set.of("accuracy", "macro_f1", "weighted_f1", "matthews_corrcoef"));
  }

  public static EvaluationsTable in(SparkSession spark, String name) {
    return new EvaluationsTable(spark, name);
  }

  public void createIfMissing() {
    table.createIfMissing();
  }

  /** See {@link IcebergTable#refuseRootPredecessor()}. */
  public void refuseRootPredecessor() {
    table.refuseRootPredecessor();
  }

  /** Appends the evaluation's row; it was evaluated now. */
  public void append(EvaluationResult result, String modelSha256, EvalDataset dataset, DecodingSettings settings) {
    Map<String, Object> m = result.metrics();
    boolean v1 = dataset.format() == EvalFormat.SQUAD_V1_1;
    Row row = RowFactory.create(
        result.runId(), new Timestamp(System.currentTimeMillis()), result.modelName(), modelSha256,
        dataset.source(), dataset.sha256(), dataset.format().key(), json(settings.asMap()), dataset.questions().size(),
        (Double) m.get(v1 ? "exact_match" : "exact"), (Double) m.get("f1"),
        (Double) m.get("HasAns_exact"), (Double) m.get("HasAns_f1"),
        (Double) m.get("NoAns_exact"), (Double) m.get("NoAns_f1"),
        (Double) m.get("best_f1"), (Double) m.get("best_f1_thresh"), json(m), null, null, null, null);
    table.append(row);
  }

  /**
   * Appends a classification evaluation's row ({@code --format glue | yesno}); it was evaluated now.
   *
   * @param settings the windows' and the aggregation's settings, as a map written to settings_json
   */
  public void appendClassification(EvaluationResult result, String modelSha256, String dataset, String datasetSha256,
      Map<String, Object> settings) {
    Map<String, Object> m = result.metrics();
    Row row = RowFactory.create(
        result.runId(), new Timestamp(System.currentTimeMillis()), result.modelName(), modelSha256, dataset,
        datasetSha256, result.format().key(), json(settings), result.questions(), null, null, null, null, null, null,
        null, null, json(m), (Double) m.get("accuracy"), (Double) m.get("macro_f1"), (Double) m.get("weighted_f1"),
        (Double) m.get("matthews_corrcoef"));
    table.append(row);
  }

  private static String json(Object value) {
    try {
      return new ObjectMapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the evaluation as JSON", e);
    }
  }
}
