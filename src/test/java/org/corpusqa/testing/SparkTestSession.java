package org.corpusqa.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.Namespace;
import org.corpusqa.io.Catalogs;

/**
 * The one local[2] Spark session of the test JVM, UI off, with the corpus-qa Iceberg catalog in a
 * temporary warehouse, using namespace qa. Tests use their own table names so that they do not see each other's rows.
 */
public final class SparkTestSession {
  private static SparkSession spark;
  private static Path warehouse;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      try {
        warehouse = Files.createTempDirectory("corpusqa-test-warehouse");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SparkSession.Builder builder =
          SparkSession.builder()
              .master("local[2]")
              .appName("corpus-qa tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1");
      Catalogs.settings(Map.of(), warehouse.toString()).forEach(builder::config);
      spark = builder.getOrCreate();
      // Plain table names in the tests' SQL mean the namespace that runs write to by default.
      spark.sql("CREATE NAMESPACE IF NOT EXISTS " + Namespace.DEFAULT);
      spark.sql("USE " + Namespace.DEFAULT);
    }
    return spark;
  }

  public static Path warehouse() {
    get();
    return warehouse;
  }
}
