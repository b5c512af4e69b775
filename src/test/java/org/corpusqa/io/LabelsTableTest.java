package org.corpusqa.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.qa.Aggregate;
import org.corpusqa.qa.Classification;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.Document;
import org.corpusqa.qa.Failure;
import org.corpusqa.qa.LabelAggregator;
import org.corpusqa.qa.Prefilter;
import org.corpusqa.qa.QaResult;
import org.corpusqa.qa.Query;
import org.corpusqa.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/** The labels table in a real Iceberg catalog: its rows as written, and a rerun that adds nothing. */
class LabelsTableTest {
  private static final Query YES_NO = new Query("requires_security", "требуется ли обеспечение?",
      DecodingSettings.DEFAULTS, Prefilter.OFF, new Classification(Aggregate.MAX, "yes", 0.5));
  private static final Query TYPE = new Query("contract_type", "", DecodingSettings.DEFAULTS, Prefilter.OFF,
      new Classification(Aggregate.MEAN, null, 0.5));

  private static QaResult labelled(String docId, Query query, String label, double yes) {
    Map<String, Double> probabilities = new LinkedHashMap<>();
    probabilities.put("no", 1 - yes);
    probabilities.put("yes", yes);
    return new QaResult(new Document(docId, "text"), query, List.of(), Double.NaN, 3, 3, null,
        new LabelAggregator.Decision(label, Math.max(yes, 1 - yes), probabilities, 3, 1, 120, 480));
  }

  private static Dataset<Row> rows(SparkSession spark, String runId, List<QaResult> results) {
    AnswersTable.Provenance by = new AnswersTable.Provenance("m", "sha-m", runId, new Timestamp(0));
    List<Row> rows = new ArrayList<>();
    for (QaResult r : results) {
      rows.add(LabelsTable.labelRow(r, r.query().sha256(), "text-sha", by));
    }
    return spark.createDataFrame(rows, LabelsTable.SCHEMA);
  }

  @Test
  void rowsAsWrittenAndARerunReplacesInsteadOfAdding() {
    SparkSession spark = SparkTestSession.get();
    LabelsTable table = LabelsTable.in(spark, "labels_test");
    table.createIfMissing();
    List<QaResult> first = List.of(labelled("d1", YES_NO, "yes", 0.9), labelled("d1", TYPE, "no", 0.2),
        labelled("d2", YES_NO, "no", 0.1));
    table.merge(rows(spark, "run-1", first));
    table.merge(rows(spark, "run-2", List.of(labelled("d2", YES_NO, "yes", 0.7))));

    List<Row> all = table.of(List.of(YES_NO, TYPE), "sha-m").orderBy("doc_id", "query_id").collectAsList();
    assertThat(all).hasSize(3);
    Row d1Type = all.get(0);
    assertThat(d1Type.<String>getAs("query_id")).isEqualTo("contract_type");
    assertThat(d1Type.<String>getAs("question")).isNull();
    Row d1 = all.get(1);
    assertThat(d1.<String>getAs("label")).isEqualTo("yes");
    assertThat(d1.<Double>getAs("score")).isEqualTo(0.9);
    assertThat(d1.getJavaMap(d1.fieldIndex("probabilities"))).containsEntry("yes", 0.9).containsEntry("no", 1 - 0.9);
    assertThat(d1.<Integer>getAs("start_char")).isEqualTo(120);
    assertThat(d1.<Integer>getAs("end_char")).isEqualTo(480);
    assertThat(d1.<Integer>getAs("windows")).isEqualTo(3);
    Row d2 = all.get(2);
    assertThat(d2.<String>getAs("label")).isEqualTo("yes");
    assertThat(d2.<String>getAs("run_id")).isEqualTo("run-2");
  }

  @Test
  void aFailedLabelIsAQuarantineRowAndNotALabel() {
    SparkSession spark = SparkTestSession.get();
    AnswersTable.Provenance by = new AnswersTable.Provenance("m", "sha-m", "run-f", new Timestamp(0));
    QaResult failed = new QaResult(new Document("d3", "text"), YES_NO, List.of(), Double.NaN, 2, 2,
        new Failure(Failure.Kind.MODEL_FAILED, "java.lang.IllegalStateException", "model failed on window 1"));
    QaResult ok = labelled("d4", YES_NO, "no", 0.3);
    Dataset<Row> stage = spark.createDataFrame(List.of(
        LabelsTable.failureRow(failed, YES_NO.sha256(), "sha-3", by),
        LabelsTable.labelRowWithFailures(ok, YES_NO.sha256(), "sha-4", by)), LabelsTable.WITH_FAILURES);

    assertThat(LabelsTable.labelsOf(stage).collectAsList()).extracting(r -> r.<String>getAs("doc_id"))
        .containsExactly("d4");
    Dataset<Row> triaged = spark.createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
        .add(RecordTriage.RECORD_KEY, "string").add(RecordTriage.TEXT_SHA256, "string")
        .add(RecordTriage.REASON, "string").add(CorpusSource.DOC_ID, "string").add(RecordTriage.DETAIL, "string")
        .add(CorpusSource.FILE, "string"));
    List<Row> quarantined = QuarantineTable.in(spark, "labels_quarantine_test")
        .rows(triaged, QuarantineTable.failuresOf(stage), List.of(), "run-f", new Timestamp(0)).collectAsList();
    assertThat(quarantined).hasSize(1);
    Row row = quarantined.get(0);
    assertThat(row.<String>getAs("record_key")).isEqualTo("d3");
    assertThat(row.<String>getAs("query_id")).isEqualTo("requires_security");
    assertThat(row.<String>getAs("reason")).isEqualTo("MODEL_FAILED");
    assertThat(row.<String>getAs("error_class")).isEqualTo("java.lang.IllegalStateException");
    assertThat(row.<String>getAs("text_sha256")).isEqualTo("sha-3");
  }
}
