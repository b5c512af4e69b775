package org.corpusqa.io;

import java.io.IOException;
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
import org.corpusqa.config.InputFormat;

/**
 * Lists a corpus's data files and checks that each can be read, so that a corrupt or truncated
 * file (a Parquet or ORC file whose footer is broken, a compressed JSON or CSV file whose stream
 * is) is quarantined by path instead of failing the run, or being skipped silently.
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

  /** Null when the file opens; otherwise why not. */
  static UnreadableFile check(String file, InputFormat format, Configuration conf) {
    try {
      Path path = new Path(file);
      switch (format) {
        case PARQUET -> {
          try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
            reader.getFooter();
          }
        }
        case ORC -> org.apache.orc.OrcFile.createReader(path, org.apache.orc.OrcFile.readerOptions(conf)).close();
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
      return null;
    } catch (Exception | LinkageError e) {
      String message = String.valueOf(e.getMessage());
      int newline = message.indexOf('\n');
      return new UnreadableFile(file, e.getClass().getName(),
          "cannot open the file: " + (newline > 0 ? message.substring(0, newline) : message));
    }
  }
}
