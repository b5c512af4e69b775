package org.corpusqa.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogsTest {
  private static final String ICEBERG = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";

  @Test
  void defaultIsALocalHadoopCatalog() {
    Map<String, String> settings = Catalogs.settings(Map.of(), "warehouse");
    assertThat(settings)
        .containsEntry("spark.sql.catalog.corpusqa", "org.apache.iceberg.spark.SparkCatalog")
        .containsEntry("spark.sql.catalog.corpusqa.type", "hadoop")
        .containsEntry("spark.sql.catalog.corpusqa.warehouse", Paths.get("warehouse").toAbsolutePath().toUri().toString())
        .containsEntry("spark.sql.defaultCatalog", "corpusqa")
        .containsEntry("spark.sql.extensions", ICEBERG);
  }

  @Test
  void uriWarehousesAreKept() {
    assertThat(Catalogs.settings(Map.of(), "s3a://bucket/warehouse"))
        .containsEntry("spark.sql.catalog.corpusqa.warehouse", "s3a://bucket/warehouse");
  }

  @Test
  void userCatalogSettingsWin() {
    Map<String, String> user =
        Map.of(
            "spark.sql.catalog.corpusqa", "org.apache.iceberg.spark.SparkCatalog",
            "spark.sql.catalog.corpusqa.type", "rest",
            "spark.sql.defaultCatalog", "other");
    Map<String, String> settings = Catalogs.settings(user, "warehouse");
    assertThat(settings).containsOnlyKeys("spark.sql.extensions");
  }

  @Test
  void icebergExtensionsAreAddedToTheUsers() {
    Map<String, String> settings = Catalogs.settings(Map.of("spark.sql.extensions", "com.example.Ext"), "w");
    assertThat(settings).containsEntry("spark.sql.extensions", "com.example.Ext," + ICEBERG);
    assertThat(Catalogs.settings(Map.of("spark.sql.extensions", ICEBERG), "w")).doesNotContainKey("spark.sql.extensions");
  }
}
