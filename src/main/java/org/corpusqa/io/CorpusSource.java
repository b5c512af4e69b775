package org.corpusqa.io;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.InputFormat;
import org.corpusqa.config.InputSlice;

/**
 * The corpus as the job reads it: any Spark-readable files, with the configured id and text columns
 * checked before any work and renamed to {@code doc_id} and {@code text}. Nothing is dropped on the
 * way: malformed JSON / CSV records come through with their raw text in {@code corrupt_record}, and
 * files that cannot be read (see {@link FileCheck}) are returned as {@link UnreadableFile}s.
 */
public final class CorpusSource {
  public static final String DOC_ID = "doc_id";
  public static final String TEXT = "text";
  public static final String CORRUPT = "corrupt_record";
  public static final String FILE = "source_file";
  /** Of the documents the model stage reads in an incremental run: the query ids still to ask. */
  public static final String QUERY_IDS = "query_ids";
  /** Of the documents the model stage reads in an evaluation: their labelled (id, question) structs. */
  public static final String QUESTIONS = "questions";
  private static final String SPARK_CORRUPT = "_corrupt_record";

  /** The records read and the files that could not be read. */
  public record Read(Dataset<Row> records, List<UnreadableFile> unreadable) {}

  private CorpusSource() {}

  public static Read read(
      SparkSession spark, String input, InputFormat format, String idColumn, String textColumn, InputSlice slice) {
    Checked checked = check(spark, input, slice.files(), format, idColumn, textColumn);
    List<UnreadableFile> unreadable = checked.unreadable();
    List<String> paths = checked.readable();
    if (paths.isEmpty() && !unreadable.isEmpty()
        && unreadable.stream().noneMatch(f -> f.reason() == QuarantineReason.SCHEMA_MISMATCH)) {
      // Not one file opens as the format: far more often the wrong format than a whole input damaged.
      UnreadableFile first = unreadable.get(0);
      throw new ConfigException(String.format("Cannot read corpus %s as %s: none of its %d files can be read as %s"
              + " (%s: %s); if they are of another format, set --input-format; if they are damaged, replace them",
          input, checked.format().sparkName(), unreadable.size(), checked.format().sparkName(), first.path(),
          first.detail()));
    }
    if (paths.isEmpty()) {
      // Every file is unreadable: there are no records, only quarantined files.
      StructType empty = new StructType().add(DOC_ID, DataTypes.StringType).add(TEXT, DataTypes.StringType)
          .add(CORRUPT, DataTypes.StringType).add(FILE, DataTypes.StringType);
      return new Read(spark.createDataFrame(List.of(), empty), unreadable);
    }
    Dataset<Row> raw = load(spark, paths, checked.format(), input);
    StructType schema = raw.schema();
    if (slice.column() != null) {
      field(schema, slice.column(), input, "--partition-column");
      Column value = col(slice.column()).cast(DataTypes.StringType);
      // A null value (or a record that did not parse) has a chunk of its own: nothing is left out.
      raw = raw.filter(slice.value() == null ? value.isNull() : value.equalTo(slice.value()));
    }
    StructField id = field(schema, idColumn, input, "--id-column");
    StructField text = field(schema, textColumn, input, "--text-column");
    if (!FileSchemas.isIdType(id.dataType())) {
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
    Column corrupt = Arrays.asList(schema.fieldNames()).contains(SPARK_CORRUPT)
        ? col(SPARK_CORRUPT) : functions.lit(null).cast(DataTypes.StringType);
    Dataset<Row> records = raw.select(
        col(idColumn).cast(DataTypes.StringType).as(DOC_ID), col(textColumn).as(TEXT), corrupt.as(CORRUPT),
        functions.input_file_name().as(FILE));
    return new Read(records, unreadable);
  }

  /** One column of the corpus as strings, named {@code value}: what a backfill chunks by. */
  public static Dataset<Row> column(SparkSession spark, String input, InputFormat format, String column) {
    // Unreadable files are left out here; each chunk's run quarantines them by path.
    Checked checked = check(spark, input, null, format, null, null);
    List<String> paths = checked.readable();
    if (paths.isEmpty()) {
      throw new ConfigException("Cannot read corpus " + input + ": no readable file; check --input");
    }
    Dataset<Row> raw = load(spark, paths, checked.format(), input);
    field(raw.schema(), column, input, "--partition-column");
    return raw.select(col(column).cast(DataTypes.StringType).as("value"));
  }

  private static Dataset<Row> load(SparkSession spark, List<String> paths, InputFormat format, String input) {
    try {
      DataFrameReader reader = spark.read().format(format.sparkName());
      if (format == InputFormat.CSV) {
        // Contracts hold newlines and quotes: read CSV the way spreadsheets and pandas write it.
        reader = reader.option("header", "true").option("multiLine", "true").option("escape", "\"");
      }
      String[] locations = paths.toArray(new String[0]);
      String basePath = basePath(input, spark.sparkContext().hadoopConfiguration());
      if (basePath != null) {
        // Spark is given files, not the input's root: without the root it would take each file's
        // folder as a base and find no Hive-style partition column (archive/month=2019-01/...).
        reader = reader.option("basePath", basePath);
      }
      if (format == InputFormat.JSON || format == InputFormat.CSV) {
        // PERMISSIVE: a record that does not parse keeps its raw text in the corrupt-record column.
        reader = reader.option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", SPARK_CORRUPT);
        StructType inferred = reader.load(locations).schema();
        if (!Arrays.asList(inferred.fieldNames()).contains(SPARK_CORRUPT)) {
          inferred = inferred.add(SPARK_CORRUPT, DataTypes.StringType);
        }
        reader = reader.schema(inferred);
      }
      return reader.load(locations);
    } catch (Exception e) {
      // Spark's AnalysisException (missing path, unreadable schema) is checked in Scala's eyes only.
      throw new ConfigException(
          "Cannot read corpus " + input + " as " + format.sparkName() + ": " + ConfigException.firstLine(e.getMessage())
              + "; check --input and --input-format", e);
    }
  }

  /**
   * The folder under which partition columns are read from folder names: the input when it is a
   * folder, the part of a glob before its first wildcard, none for a single file.
   */
  private static String basePath(String input, org.apache.hadoop.conf.Configuration conf) throws IOException {
    int wildcard = firstWildcard(input);
    String root = wildcard < 0 ? input : input.substring(0, input.lastIndexOf('/', wildcard) + 1);
    if (root.isEmpty()) {
      return null;
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(root);
    org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(conf);
    return fs.getFileStatus(path).isDirectory() ? fs.makeQualified(path).toString() : null;
  }

  private static int firstWildcard(String input) {
    for (int i = 0; i < input.length(); i++) {
      if ("*?[{".indexOf(input.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** The corpus's files split into those that can be read and those that cannot, and their format. */
  private record Checked(List<String> readable, List<UnreadableFile> unreadable, InputFormat format) {}

  /**
   * @param only the files to use (a backfill chunk's), or null for every file under {@code input}
   * @param given the format given, or null to go by the file names
   * @param textColumn null to check only that the files open, not their columns' types
   */
  private static Checked check(
      SparkSession spark, String input, List<String> only, InputFormat given, String idColumn, String textColumn) {
    try {
      List<String> files = only != null ? only : FileCheck.list(input, spark.sparkContext().hadoopConfiguration());
      InputFormat format = FileFormats.of(input, files, given);
      List<FileCheck.Result> results = checkFiles(spark, files, format);
      List<UnreadableFile> unreadable = new java.util.ArrayList<>();
      results.stream().filter(r -> r.unreadable() != null).forEach(r -> unreadable.add(r.unreadable()));
      if (textColumn != null) {
        unreadable.addAll(FileSchemas.mismatched(results, idColumn, textColumn));
      }
      java.util.Set<String> bad = new java.util.HashSet<>();
      unreadable.forEach(f -> bad.add(f.path()));
      return new Checked(files.stream().filter(f -> !bad.contains(f)).toList(), unreadable, format);
    } catch (IOException e) {
      throw new ConfigException("Cannot read corpus " + input + ": " + e.getMessage() + "; check --input", e);
    }
  }

  /** Opens every file on the executors (a large corpus has many): whether it opens, and its columns' types. */
  private static List<FileCheck.Result> checkFiles(SparkSession spark, List<String> files, InputFormat format) {
    if (files.isEmpty()) {
      return List.of();
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SerializableConf conf = SerializableConf.of(spark.sparkContext().hadoopConfiguration());
    boolean binaryAsString = Boolean.parseBoolean(spark.conf().get("spark.sql.parquet.binaryAsString", "false"));
    int slices = Math.min(files.size(), Math.max(1, jsc.defaultParallelism()));
    return jsc.parallelize(files, slices)
        .mapPartitions(paths -> {
          // One Hadoop configuration per partition: building one per file costs more than a small check.
          org.apache.hadoop.conf.Configuration hadoop = conf.get();
          List<FileCheck.Result> checked = new java.util.ArrayList<>();
          while (paths.hasNext()) {
            checked.add(FileCheck.check(paths.next(), format, hadoop, binaryAsString));
          }
          return checked.iterator();
        })
        .collect();
  }

  private static Column col(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
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
                        input, name, Arrays.toString(
                            Arrays.stream(schema.fieldNames()).filter(n -> !n.equals(SPARK_CORRUPT)).toArray()),
                        option)));
  }
}
