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

/**
 * Lists a corpus's data files and checks that each can be opened, so that a corrupt or truncated
 * file is quarantined by path instead of failing the run (or being skipped silently).
 */
public final class FileCheck {
  private FileCheck() {}

  /** Data files under {@code input}, skipping Spark's and Hadoop's hidden files (_SUCCESS, .crc). */
  public static List<String> list(String input, Configuration conf) throws IOException {
    Path root = new Path(input);
    FileSystem fs = root.getFileSystem(conf);
    List<String> files = new ArrayList<>();
    FileStatus status = fs.getFileStatus(root);
    if (status.isFile()) {
      files.add(status.getPath().toString());
      return files;
    }
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      Path path = it.next().getPath();
      if (!isHidden(root, path)) {
        files.add(path.toString());
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
          // Text formats are checked record by record (PERMISSIVE mode) as they are read.
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
