package org.corpusqa.io;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.Namespace;

/**
 * The Spark settings of the Iceberg catalog that holds the output tables. The catalog is named
 * {@value #NAME} and is Spark's default, so tables are named by namespace and name ({@code qa.answers}). Settings the
 * user gave (for a Hive, Glue, REST or JDBC catalog) win over the local Hadoop catalog default.
 */
public final class Catalogs {
  public static final String NAME = Namespace.CATALOG;
  public static final String PREFIX = "spark.sql.catalog." + NAME;
  private static final String ICEBERG_EXTENSIONS =
      "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";

  private static final Pattern ENV_VARIABLE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  private Catalogs() {}

  /**
   * @param userConf Spark settings already given (spark-submit --conf, properties files)
   * @param warehouse the Hadoop catalog's warehouse: a path or a Hadoop file system URI
   * @return the settings to add; none that the user has set
   */
  public static Map<String, String> settings(Map<String, String> userConf, String warehouse) {
    Map<String, String> wanted = new TreeMap<>();
    // MERGE INTO needs Iceberg's SQL extensions; keep any the user already has.
    String extensions = userConf.getOrDefault("spark.sql.extensions", "");
    if (!extensions.contains(ICEBERG_EXTENSIONS)) {
      wanted.put(
          "spark.sql.extensions",
          extensions.isBlank() ? ICEBERG_EXTENSIONS : extensions + "," + ICEBERG_EXTENSIONS);
    }
    wanted.put("spark.sql.defaultCatalog", NAME);
    if (!userConfigured(userConf)) {
      wanted.put(PREFIX, "org.apache.iceberg.spark.SparkCatalog");
      wanted.put(PREFIX + ".type", "hadoop");
      wanted.put(PREFIX + ".warehouse", warehouseUri(warehouse));
    }
    for (String key : userConf.keySet()) {
      if (!key.equals("spark.sql.extensions")) {
        wanted.remove(key);
      }
    }
    return wanted;
  }

  /**
   * The user's catalog settings whose values name environment variables ({@code ${env:NAME}}, as
   * in conf/jdbc-catalog.properties), with the variables' values put in: credentials stay out of
   * properties files and command lines. Spark itself does not expand these for catalog settings.
   *
   * @return the settings to replace; none for values without a variable
   */
  public static Map<String, String> fromEnvironment(Map<String, String> userConf, Map<String, String> env) {
    Map<String, String> resolved = new TreeMap<>();
    for (Map.Entry<String, String> setting : userConf.entrySet()) {
      if (!setting.getKey().startsWith(PREFIX) || !setting.getValue().contains("${env:")) {
        continue;
      }
      Matcher variable = ENV_VARIABLE.matcher(setting.getValue());
      StringBuilder value = new StringBuilder();
      while (variable.find()) {
        String name = variable.group(1);
        if (env.get(name) == null) {
          throw new ConfigException("Cannot configure the catalog: " + setting.getKey() + " takes its value from"
              + " environment variable " + name + ", which is not set; export " + name);
        }
        variable.appendReplacement(value, Matcher.quoteReplacement(env.get(name)));
      }
      variable.appendTail(value);
      resolved.put(setting.getKey(), value.toString());
    }
    return resolved;
  }

  /** Whether the user's settings configure the corpus-qa catalog themselves (JDBC, REST, Glue, Hive...). */
  public static boolean userConfigured(Map<String, String> userConf) {
    return userConf.containsKey(PREFIX);
  }

  static String warehouseUri(String warehouse) {
    if (warehouse.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") && !warehouse.matches("^[A-Za-z]:\\\\.*")) {
      return warehouse;
    }
    return Paths.get(warehouse).toAbsolutePath().normalize().toUri().toString();
  }

  /**
   * Fails fast, before a model loads or data is read, when the corpus-qa catalog is the local
   * Hadoop catalog and its warehouse cannot be written: creates the folder and a probe file in it.
   * Other catalogs (JDBC, REST, Glue, Hive) decide where data goes themselves and are not probed.
   */
  public static void checkWarehouseWritable(SparkSession spark) {
    String warehouse = spark.conf().get(PREFIX + ".warehouse", "");
    if (!"hadoop".equals(spark.conf().get(PREFIX + ".type", "")) || warehouse.isEmpty()) {
      return;
    }
    try {
      Path dir = new Path(warehouse);
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.mkdirs(dir)) {
        throw new IOException("cannot create the folder");
      }
      Path probe = new Path(dir, ".corpusqa-write-check-" + UUID.randomUUID());
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("Cannot write to the warehouse " + warehouse + ": "
          + ConfigException.firstLine(e.getMessage()) + "; give a writable --warehouse", e);
    }
  }
}
