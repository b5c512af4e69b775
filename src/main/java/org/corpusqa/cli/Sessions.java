package org.corpusqa.cli;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.corpusqa.io.Catalogs;
import scala.Tuple2;

/** Builds the Spark session of a command, with the output catalog configured. */
final class Sessions {
  private Sessions() {}

  static SparkSession create(String appName, String warehouse) {
    // SparkConf reads the spark.* settings that spark-submit passes as system properties.
    SparkConf given = new SparkConf();
    Map<String, String> user = new HashMap<>();
    for (Tuple2<String, String> entry : given.getAll()) {
      user.put(entry._1(), entry._2());
    }
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (!given.contains("spark.master")) {
      builder.master("local[*]");
    }
    Catalogs.settings(user, warehouse).forEach(builder::config);
    return builder.getOrCreate();
  }
}
