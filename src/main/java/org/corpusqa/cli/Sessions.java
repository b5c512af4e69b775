package org.corpusqa.cli;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.config.ConfigException;
import org.corpusqa.io.Catalogs;
import scala.Tuple2;

/** Builds the Spark session of a command, with the output catalog configured. */
final class Sessions {
  private Sessions() {}

  /**
   * @param warehouse {@code --warehouse}, null when absent; refused when the user configured the
   *     catalog, whose own settings would silently win over it
   */
  static SparkSession create(String appName, String warehouse) {
    // SparkConf reads the spark.* settings that spark-submit passes as system properties.
    SparkConf given = new SparkConf();
    Map<String, String> user = new HashMap<>();
    for (Tuple2<String, String> entry : given.getAll()) {
      user.put(entry._1(), entry._2());
    }
    if (warehouse != null && Catalogs.userConfigured(user)) {
      throw new ConfigException("Cannot use --warehouse " + warehouse + " with the catalog configured in "
          + Catalogs.PREFIX + " (" + user.get(Catalogs.PREFIX) + "): its own settings say where tables go;"
          + " leave out --warehouse, or set " + Catalogs.PREFIX + ".warehouse");
    }
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (!given.contains("spark.master")) {
      builder.master("local[*]");
    }
    Catalogs.settings(user, warehouse == null ? WarehouseOption.DEFAULT_WAREHOUSE : warehouse).forEach(builder::config);
    Catalogs.fromEnvironment(user, System.getenv()).forEach(builder::config);
    return builder.getOrCreate();
  }
}
