package org.corpusqa.io;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.execution.datasources.orc.OrcUtils;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.types.StructType;
import org.corpusqa.config.ConfigException;
import org.corpusqa.config.InputFormat;

/**
 * Lists a corpus's data files and checks that each can be read, so that a corrupt or truncated
 * file (a Parquet or ORC file whose footer is broken, a compressed JSON or CSV file whose stream
 * is) is quarantined by path instead of failing the run, or being skipped silently. For Parquet and
 * ORC it also reads, from the footer it opens anyway, the Spark types of the id and text columns:
 * Spark takes one file's schema for all, so a file of another type would be misread or fail the run.
 */
public final class FileCheck {
  private FileCheck() {}

  /** Data files under {@code input}, skipping Spark's and Hadoop's hidden files (_SUCCESS, .crc). */
  public static List<String> list(String input, Configuration conf) throws IOException {
    Path pattern = new Path(input);
    FileSystem fs = pattern.getFileSystem(conf);
    // A glob (ingest/date=2026-11-*/) names several roots; a plain path names one.
    FileStatus[] roots = fs.globStatus(pattern);
    if (roots == null || roots.length == 0) {
      throw new java.io.FileNotFoundException("no file matches " + input);
    }
    List<String> files = new ArrayList<>();
    for (FileStatus root : roots) {
      if (root.isFile()) {
        files.add(root.getPath().toString());
        continue;
      }
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root.getPath(), true);
      while (it.hasNext()) {
        Path path = it.next().getPath();
        if (!isHidden(root.getPath(), path)) {
          files.add(path.toString());
        }
      }
    }
    files.sort(null);
    return files;
  }

  private static boolean isHidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /**
   * What the check found in one file.
   *
   * @param unreadable null when the file opens
   * @param columns the file's columns as Spark reads them (Parquet and ORC); null for text formats,
   *     whose schema Spark infers over all files together
   */
  record Result(String path, UnreadableFile unreadable, StructType columns) implements Serializable {}

  /**
   * @param binaryAsString Spark's {@code spark.sql.parquet.binaryAsString}: Parquet binary columns
   *     without a string annotation are read as strings
   */
  static Result check(String file, InputFormat format, Configuration conf, boolean binaryAsString) {
    try {
      Path path = new Path(file);
      StructType columns = null;
      switch (format) {
        case PARQUET -> {
          try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
            // The other flags as Spark's defaults have them: INT96 as timestamp, case-insensitive
            // names, TIMESTAMP_NTZ inferred, nanosecond timestamps not as longs.
            columns = new ParquetToSparkSchemaConverter(binaryAsString, true, false, true, false)
                .convert(reader.getFooter().getFileMetaData().getSchema());
          }
        }
        case ORC -> {
          try (org.apache.orc.Reader reader =
              org.apache.orc.OrcFile.createReader(path, org.apache.orc.OrcFile.readerOptions(conf))) {
            columns = OrcUtils.toCatalystSchema(reader.getSchema());
          }
        }
        default -> {
          // Records of text formats are checked one by one as they are read (PERMISSIVE mode); a
          // compressed file is read through to its end here, since a broken stream (a truncated
          // .gz) would otherwise fail the whole run.
          org.apache.hadoop.io.compress.CompressionCodec codec =
              new org.apache.hadoop.io.compress.CompressionCodecFactory(conf).getCodec(path);
          if (codec != null) {
            try (java.io.InputStream in = codec.createInputStream(path.getFileSystem(conf).open(path))) {
              in.transferTo(java.io.OutputStream.nullOutputStream());
            }
          }
        }
      }
      return new Result(file, null, columns);
    } catch (Exception | LinkageError e) {
      return new Result(file, new UnreadableFile(file, QuarantineReason.UNREADABLE_FILE, e.getClass().getName(),
          "cannot open the file: " + ConfigException.firstLine(e.getMessage())), null);
    }
  }
}
