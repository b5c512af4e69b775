package org.corpusqa.io;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Sorts every input record into answerable documents, identical duplicates (answered once), and
 * quarantined records with a reason, before any model work. Details name files and sizes, never
 * text.
 *
 * <p>The same doc_id with different texts in one input is a conflict no rule can settle without
 * knowing the source (which version is newer?), so every version is quarantined as
 * {@link QuarantineReason#CONFLICTING_DUPLICATE_ID} and none is answered.
 */
public final class RecordTriage {
  public static final String TEXT_SHA256 = "text_sha256";
  public static final String REASON = "reason";
  public static final String DETAIL = "detail";
  public static final String RECORD_KEY = "record_key";
  public static final String FIRST_COPY = "first_copy";

  private RecordTriage() {}

  /**
   * Adds {@code text_sha256}, {@code record_key}, {@code reason} (null when answerable),
   * {@code detail} and {@code first_copy} (false for the second and later identical copies).
   */
  public static Dataset<Row> triage(Dataset<Row> records, long maxTextChars) {
    Column text = col(CorpusSource.TEXT);
    Column blank = text.rlike("^[\\s\\p{Z}\\u200b\\ufeff]*$");
    // Spark keeps a string's bytes as read; bytes that are not UTF-8 would reach the tokenizer as
    // U+FFFD and be "answered". Decoding and encoding again changes exactly those texts.
    Column invalid = text.cast(DataTypes.BinaryType).notEqual(encode(text, "UTF-8"));
    Column single =
        when(col(CorpusSource.CORRUPT).isNotNull(), reason(QuarantineReason.MALFORMED_RECORD))
            .when(col(CorpusSource.DOC_ID).isNull(), reason(QuarantineReason.MISSING_DOC_ID))
            .when(text.isNull().or(blank), reason(QuarantineReason.EMPTY_TEXT))
            .when(invalid, reason(QuarantineReason.INVALID_ENCODING))
            .when(length(text).gt(maxTextChars), reason(QuarantineReason.TEXT_TOO_LARGE));
    Column detail =
        when(col(CorpusSource.CORRUPT).isNotNull(), concat(lit("malformed record in "), col(CorpusSource.FILE)))
            .when(col(CorpusSource.DOC_ID).isNull(), concat(lit("no document id in "), col(CorpusSource.FILE)))
            .when(text.isNull(), lit("text is null"))
            .when(blank, concat(lit("text is blank ("), length(text), lit(" characters)")))
            .when(invalid, concat(lit("text is not valid UTF-8 ("), octet_length(text), lit(" bytes) in "),
                col(CorpusSource.FILE)))
            .when(length(text).gt(maxTextChars),
                concat(lit("text has "), length(text), lit(" characters, more than --max-text-chars " + maxTextChars)));
    Column recordKey =
        coalesce(col(CorpusSource.DOC_ID),
            concat(lit("sha256:"), sha2(coalesce(col(CorpusSource.CORRUPT), text, lit("")), 256)));
    Dataset<Row> classified =
        records
            .withColumn(TEXT_SHA256, sha2(text, 256))
            .withColumn(REASON, single)
            .withColumn(DETAIL, detail)
            .withColumn(RECORD_KEY, recordKey);

    // In one pass over the input (two filtered branches and a union would read it twice): count
    // the distinct texts of the answerable records per id, and number identical answerable copies.
    // The windows go by record key, which is the id when there is one and the content's hash when
    // there is none, so that id-less records do not all land in one window.
    Column answerable = col(REASON).isNull();
    WindowSpec byKey = Window.partitionBy(col(RECORD_KEY));
    WindowSpec byCopy = Window.partitionBy(col(RECORD_KEY), col(TEXT_SHA256), answerable).orderBy(col(CorpusSource.FILE));
    Column conflict = answerable.and(col("versions").gt(1));
    return classified
        .withColumn("versions", size(collect_set(when(answerable, col(TEXT_SHA256))).over(byKey)))
        .withColumn(FIRST_COPY, when(answerable, row_number().over(byCopy).equalTo(1)).otherwise(lit(true)))
        .withColumn(DETAIL, when(conflict,
            concat(lit("document id appears with "), col("versions"), lit(" different texts in this input; none answered")))
            .otherwise(col(DETAIL)))
        .withColumn(REASON, when(conflict, reason(QuarantineReason.CONFLICTING_DUPLICATE_ID)).otherwise(col(REASON)))
        .drop("versions");
  }

  private static Column reason(QuarantineReason reason) {
    return lit(reason.name());
  }
}
