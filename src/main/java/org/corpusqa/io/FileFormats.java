package org.corpusqa.io;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.InputFormat;

/**
 * The format an input is read in: the one given, checked against what the file names say, or,
 * when none is given, the one the file names say. A mistake here would otherwise show up minutes
 * later as every file quarantined as unreadable (a JSON corpus read as Parquet).
 */
final class FileFormats {
  private FileFormats() {}

  static InputFormat of(String input, List<String> files, InputFormat given) {
    // Format -> the first file (in listing order) whose name says it.
    Map<InputFormat, String> named = new TreeMap<>();
    String unnamed = null;
    for (String file : files) {
      Optional<InputFormat> format = InputFormat.ofFileName(new Path(file).getName());
      if (format.isPresent()) {
        named.putIfAbsent(format.get(), file);
      } else if (unnamed == null) {
        unnamed = file;
      }
    }
    if (given != null) {
      for (Map.Entry<InputFormat, String> other : named.entrySet()) {
        if (other.getKey() != given) {
          throw new ConfigException(String.format("Cannot read corpus %s as %s: %s is %s by its name; set"
              + " --input-format %s, or leave the option out to go by the file names", input, given,
              other.getValue(), other.getKey(), other.getKey()));
        }
      }
      return given;
    }
    if (named.size() > 1) {
      StringBuilder found = new StringBuilder();
      named.forEach((format, file) -> found.append(found.length() == 0 ? "" : ", ").append(format).append(" (")
          .append(file).append(')'));
      throw new ConfigException("Cannot read corpus " + input + ": it mixes file formats, " + found
          + "; give each format its own run, with --input");
    }
    if (named.isEmpty() || unnamed != null) {
      throw new ConfigException("Cannot tell the format of corpus " + input + " from its file names ("
          + (unnamed != null ? unnamed : "no file") + "); set --input-format (one of parquet, json, csv, orc)");
    }
    return named.keySet().iterator().next();
  }
}
