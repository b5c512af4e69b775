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
          .add("exact", DataTypes.DoubleType, false)
          .add("f1", DataTypes.DoubleType, false)
          .add("has_ans_exact", DataTypes.DoubleType, true)
          .add("has_ans_f1", DataTypes.DoubleType, true)
          .add("no_ans_exact", DataTypes.DoubleType, true)
          .add("no_ans_f1", DataTypes.DoubleType, true)
          .add("best_f1", DataTypes.DoubleType, true)
          .add("best_f1_thresh", DataTypes.DoubleType, true)
          .add("metrics_json", DataTypes.StringType, false);

  private final IcebergTable table;

  private EvaluationsTable(SparkSession spark, String name) {
    this.table = new IcebergTable(spark, name, SCHEMA, null, List.of());
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
    String settingsJson;
    String metricsJson;
    try {
      ObjectMapper json = new ObjectMapper();
      settingsJson = json.writeValueAsString(settings.asMap());
      metricsJson = json.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the evaluation as JSON", e);
    }
    Row row = RowFactory.create(
        result.runId(), new Timestamp(System.currentTimeMillis()), result.modelName(), modelSha256,
        dataset.source(), dataset.sha256(), dataset.format().key(), settingsJson, dataset.questions().size(),
        (Double) m.get(v1 ? "exact_match" : "exact"), (Double) m.get("f1"),
        (Double) m.get("HasAns_exact"), (Double) m.get("HasAns_f1"),
        (Double) m.get("NoAns_exact"), (Double) m.get("NoAns_f1"),
        (Double) m.get("best_f1"), (Double) m.get("best_f1_thresh"), metricsJson);
    table.append(row);
  }
}
