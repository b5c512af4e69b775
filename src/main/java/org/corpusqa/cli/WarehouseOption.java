package org.corpusqa.cli;

import picocli.CommandLine.Option;

/** The {@code --warehouse} and {@code --namespace} options that every command reading or writing tables shares. */
final class WarehouseOption {
  /** The local catalog's warehouse when {@code --warehouse} is absent. */
  static final String DEFAULT_WAREHOUSE = "warehouse";

  /** Null when absent: with a catalog of the user's own, a given --warehouse is a mistake, not a default. */
  @Option(names = "--warehouse",
      description = "Warehouse of the local Iceberg catalog (default: " + DEFAULT_WAREHOUSE + "); not with a catalog"
          + " set in spark.sql.catalog.corpusqa.*, whose own settings say where tables go.")
  String warehouse;

  @Option(names = "--namespace",
      description = "Namespace of the tables (default: the one a qualified --table names, else "
          + org.corpusqa.config.Namespace.DEFAULT + ").")
  String namespace;
}
