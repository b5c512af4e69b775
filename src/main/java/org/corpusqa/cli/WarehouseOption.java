package org.corpusqa.cli;

import picocli.CommandLine.Option;

/** The {@code --warehouse} option that every command reading or writing tables shares. */
final class WarehouseOption {
  @Option(names = "--warehouse", defaultValue = "warehouse",
      description = "Warehouse of the local Iceberg catalog (default: ${DEFAULT-VALUE}).")
  String warehouse;
}
