package org.corpusqa.io;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's file system settings ({@code fs.*}, e.g. S3A endpoint and credential providers),
 * carried to executors so that they open model bundles, input files and explain files the same way.
 */
public final class SerializableConf implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Map<String, String> entries;

  private SerializableConf(Map<String, String> entries) {
    this.entries = entries;
  }

  public static SerializableConf of(Configuration conf) {
    Map<String, String> entries = new HashMap<>();
    for (Map.Entry<String, String> e : conf) {
      if (e.getKey().startsWith("fs.")) {
        entries.put(e.getKey(), e.getValue());
      }
    }
    return new SerializableConf(entries);
  }

  public Configuration get() {
    Configuration conf = new Configuration();
    entries.forEach(conf::set);
    return conf;
  }
}
