package org.corpusqa.io;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.config.ConfigException;

/**
 * The corpus as the job reads it: any Spark-readable files, with the configured id and text columns
 * checked before any work and renamed to {@code doc_id} and {@code text}.
 */
public final class CorpusSource {
  public static final String DOC_ID = "doc_id";
  public static final String TEXT = "text";

  private CorpusSource() {}

  public static Dataset<Row> read(
      SparkSession spark, String input, InputFormat format, String idColumn, String textColumn) {
    Dataset<Row> raw;
    try {
      var reader = spark.read().format(format.sparkName());
      if (format == InputFormat.CSV) {
        // Contracts hold newlines and quotes: read CSV the way spreadsheets and pandas write it.
        reader = reader.option("header", "true").option("multiLine", "true").option("escape", "\"");
      }
      raw = reader.load(input);
    } catch (Exception e) {
      // Spark's AnalysisException (missing path, unreadable schema) is checked in Scala's eyes only.
      throw new ConfigException(
          "Cannot read corpus " + input + " as " + format.sparkName() + ": " + firstLine(e.getMessage())
              + "; check --input and --input-format", e);
    }
    StructType schema = raw.schema();
    StructField id = field(schema, idColumn, input, "--id-column");
    StructField text = field(schema, textColumn, input, "--text-column");
    if (!isIdType(id.dataType())) {
      throw new ConfigException(
          String.format(
              "Cannot use column '%s' of %s as document id: must be a string or an integer, got: %s",
              idColumn, input, id.dataType().simpleString()));
    }
    if (!text.dataType().equals(DataTypes.StringType)) {
      throw new ConfigException(
          String.format(
              "Cannot use column '%s' of %s as document text: must be a string, got: %s",
              textColumn, input, text.dataType().simpleString()));
    }
    return raw.select(
        col(idColumn).cast(DataTypes.StringType).as(DOC_ID), col(textColumn).as(TEXT));
  }

  private static Column col(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }

  private static boolean isIdType(DataType type) {
    return type.equals(DataTypes.StringType)
        || type.equals(DataTypes.IntegerType)
        || type.equals(DataTypes.LongType)
        || type.equals(DataTypes.ShortType);
  }

  private static StructField field(StructType schema, String name, String input, String option) {
    return Arrays.stream(schema.fields())
        .filter(f -> f.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new ConfigException(
                    String.format(
                        "Cannot read corpus %s: missing column '%s'; it has %s; set %s",
                        input, name, Arrays.toString(schema.fieldNames()), option)));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }
}
