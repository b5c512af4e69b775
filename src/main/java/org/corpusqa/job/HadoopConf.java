package org.corpusqa.job;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's file system settings ({@code fs.*}, e.g. S3A endpoint and credential providers),
 * carried to executors so that they open model bundles and explain files the same way.
 */
final class HadoopConf implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Map<String, String> entries;

  private HadoopConf(Map<String, String> entries) {
    this.entries = entries;
  }

  static HadoopConf of(Configuration conf) {
    Map<String, String> entries = new HashMap<>();
    for (Map.Entry<String, String> e : conf) {
      if (e.getKey().startsWith("fs.")) {
        entries.put(e.getKey(), e.getValue());
      }
    }
    return new HadoopConf(entries);
  }

  Configuration toConfiguration() {
    Configuration conf = new Configuration();
    entries.forEach(conf::set);
    return conf;
  }
}
