package org.corpusqa.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;

/**
 * A reader of corpus-qa's tables that is not Spark: Iceberg's Java API on a REST catalog, as Trino
 * and PyIceberg read one. Runs in a JVM of its own on the REST catalog server's classpath (no Spark
 * there), and prints every row of the table as one JSON object per line, each value as text.
 * Arguments: the catalog URI, the OAuth2 credential, the namespace and the table.
 */
public final class RestCatalogReader {
  private RestCatalogReader() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (RESTCatalog catalog = new RESTCatalog()) {
      catalog.initialize("reader", Map.of("uri", args[0], "credential", args[1]));
      Table table = catalog.loadTable(TableIdentifier.of(args[2], args[3]));
      try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
        for (Record record : records) {
          Map<String, String> row = new LinkedHashMap<>();
          for (Types.NestedField field : table.schema().columns()) {
            Object value = record.getField(field.name());
            row.put(field.name(), value == null ? null : value.toString());
          }
          System.out.println(json.writeValueAsString(row));
        }
      }
    }
  }
}
