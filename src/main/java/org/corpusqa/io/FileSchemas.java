package org.corpusqa.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Decides, from each Parquet or ORC file's own column types ({@link FileCheck}), which files of an
 * input cannot be read with the others: Spark reads every file with one schema, taken from one of
 * them, so a file whose text is binary would be decoded as if it were UTF-8 (or, sorting first,
 * would make the whole input look wrong). The text must be a string and the id a string or an
 * integer of the type most files have; the decision does not depend on the order of the files.
 */
final class FileSchemas {
  private FileSchemas() {}

  static boolean isIdType(DataType type) {
    return type.equals(DataTypes.StringType)
        || type.equals(DataTypes.IntegerType)
        || type.equals(DataTypes.LongType)
        || type.equals(DataTypes.ShortType);
  }

  /**
   * The files to leave out, as {@link QuarantineReason#SCHEMA_MISMATCH}; none when no file has
   * usable columns, since then the columns are misconfigured, which the read reports as such.
   */
  static List<UnreadableFile> mismatched(List<FileCheck.Result> files, String idColumn, String textColumn) {
    List<UnreadableFile> mismatched = new ArrayList<>();
    Map<DataType, List<String>> byIdType = new LinkedHashMap<>();
    for (FileCheck.Result file : files) {
      if (file.unreadable() != null || file.columns() == null) {
        continue;
      }
      Optional<DataType> text = type(file.columns(), textColumn);
      Optional<DataType> id = type(file.columns(), idColumn);
      String problem = null;
      if (text.isEmpty() || id.isEmpty()) {
        problem = "has no column '" + (text.isEmpty() ? textColumn : idColumn) + "'";
      } else if (!text.get().equals(DataTypes.StringType)) {
        problem = "column '" + textColumn + "' is " + text.get().simpleString() + ", not string";
      } else if (!isIdType(id.get())) {
        problem = "column '" + idColumn + "' is " + id.get().simpleString() + ", not a string or an integer";
      } else {
        byIdType.computeIfAbsent(id.get(), t -> new ArrayList<>()).add(file.path());
      }
      if (problem != null) {
        mismatched.add(leftOut(file.path(), problem));
      }
    }
    if (byIdType.isEmpty()) {
      return List.of();
    }
    // The id type of most files; a tie goes to string, then to the type's name, never to file order.
    DataType kept = byIdType.keySet().stream()
        .max(Comparator.<DataType>comparingInt(t -> byIdType.get(t).size())
            .thenComparing(t -> t.equals(DataTypes.StringType))
            .thenComparing(DataType::simpleString, Comparator.reverseOrder()))
        .orElseThrow();
    int total = byIdType.values().stream().mapToInt(List::size).sum();
    byIdType.forEach((type, paths) -> {
      if (!type.equals(kept)) {
        for (String path : paths) {
          mismatched.add(leftOut(path, "column '" + idColumn + "' is " + type.simpleString() + ", while "
              + byIdType.get(kept).size() + " of " + total + " files have " + kept.simpleString()));
        }
      }
    });
    return mismatched;
  }

  private static UnreadableFile leftOut(String path, String problem) {
    return new UnreadableFile(path, QuarantineReason.SCHEMA_MISMATCH, null, problem + "; the file was not read");
  }

  /** The column's type, matched by name as Spark does by default: exactly, else ignoring case. */
  private static Optional<DataType> type(StructType columns, String name) {
    Optional<StructField> exact = Arrays.stream(columns.fields()).filter(f -> f.name().equals(name)).findFirst();
    return exact.or(() -> Arrays.stream(columns.fields()).filter(f -> f.name().equalsIgnoreCase(name)).findFirst())
        .map(StructField::dataType);
  }
}
