package org.corpusqa.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.Namespace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code corpus-qa sql}: runs Spark SQL against the output catalog. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = "Run a Spark SQL query against the corpus-qa catalog and print the result.")
final class SqlCommand implements Callable<Integer> {
  enum Format {
    TABLE,
    JSON,
    CSV;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Parameters(index = "0", description = "The query, e.g. \"SELECT * FROM answers LIMIT 10\".")
  String query;

  @Mixin WarehouseOption warehouse;

  @Option(names = "--format", defaultValue = "table",
      description = "One of ${COMPLETION-CANDIDATES}: json prints one object per line (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--limit", defaultValue = "1000",
      description = "Most rows printed in table format (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    SparkSession spark = Sessions.create("corpus-qa sql", warehouse.warehouse);
    try {
      Namespace namespace = new Namespace(warehouse.namespace == null ? Namespace.DEFAULT : warehouse.namespace);
      boolean inNamespace = useNamespace(spark, namespace);
      Dataset<Row> result = parse(spark, query, inNamespace ? "" : " (no namespace " + namespace.name()
          + " in this catalog yet: a run creates it; or give --namespace)");
      PrintStream out = System.out;
      switch (format) {
        case TABLE -> result.show(limit, false);
        case JSON -> printJson(result, out);
        case CSV -> printCsv(result, out);
      }
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }

  /**
   * Plain table names ({@code answers}) and {@code SHOW TABLES} mean the namespace's, as a run
   * wrote them; before any run there is none to use, and the query names what it needs.
   */
  private static boolean useNamespace(SparkSession spark, Namespace namespace) {
    if (!spark.catalog().databaseExists(namespace.name())) {
      return false;
    }
    spark.sql("USE " + namespace.name());
    return true;
  }

  /**
   * The query, parsed and analysed (Spark does both here, before running anything); a mistake in
   * it is a configuration error: its first line, which names the error and its position.
   */
  private static Dataset<Row> parse(SparkSession spark, String query, String namespaceNote) {
    try {
      return spark.sql(query);
    } catch (Exception e) {
      // AnalysisException (and ParseException, one of them) is checked in Java's eyes and undeclared.
      // IllegalArgumentException: what Iceberg's catalog says of a name it cannot take, such as a
      // table named without a namespace where none is in use.
      if (e instanceof org.apache.spark.sql.AnalysisException || e instanceof IllegalArgumentException) {
        throw new ConfigException("Cannot run the query: " + ConfigException.firstLine(e.getMessage()).strip()
            .replaceAll("[.: ]+$", "") + (tableNotFound(e) ? namespaceNote : "") + ". Fix the SQL and run again.");
      }
      throw e;
    }
  }

  /**
   * One object per row with every column, nulls as {@code null}: the option is given to
   * {@code to_json} itself, since Dataset.toJSON's tasks do not see the session setting.
   */
  /** Whether the query named a table that is not there, where a missing namespace is the likely cause. */
  private static boolean tableNotFound(Exception e) {
    return e instanceof IllegalArgumentException || String.valueOf(e.getMessage()).contains("TABLE_OR_VIEW_NOT_FOUND");
  }

  private static void printJson(Dataset<Row> result, PrintStream out) {
    Column[] columns = Arrays.stream(result.columns()).map(c -> result.col("`" + c.replace("`", "``") + "`"))
        .toArray(Column[]::new);
    result.select(functions.to_json(functions.struct(columns), Map.of("ignoreNullFields", "false")))
        .as(Encoders.STRING()).toLocalIterator().forEachRemaining(out::println);
  }

  private static void printCsv(Dataset<Row> result, PrintStream out) {
    out.println(String.join(",", java.util.Arrays.stream(result.columns()).map(SqlCommand::csvField).toList()));
    Iterator<Row> rows = result.toLocalIterator();
    while (rows.hasNext()) {
      Row row = rows.next();
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length(); i++) {
        if (i > 0) {
          line.append(',');
        }
        line.append(row.isNullAt(i) ? "" : csvField(String.valueOf(row.get(i))));
      }
      out.println(line);
    }
  }

  private static String csvField(String value) {
    if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }
}
