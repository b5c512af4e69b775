package org.corpusqa.config;

import java.util.regex.Pattern;

/**
 * The namespace of the corpus-qa catalog that holds a command's tables ({@code qa} unless told
 * otherwise), so that engines that name tables as schema.table (Trino, Athena) can name them and
 * {@code SHOW TABLES IN qa} lists them. Table names given on the command line are plain
 * ({@code answers}) or qualified ({@code contracts.answers}, also {@code corpusqa.contracts.answers});
 * a plain one is put in the namespace.
 */
public record Namespace(String name) {
  public static final String DEFAULT = "qa";
  /** The Spark name of corpus-qa's catalog, the first part of a fully qualified table name. */
  public static final String CATALOG = "corpusqa";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public Namespace {
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new ConfigException("Cannot use namespace '" + name + "': a namespace is letters, digits and _,"
          + " not starting with a digit; give another --namespace");
    }
  }

  /**
   * The namespace of a command: {@code --namespace} when given, else the one a qualified table
   * name ({@code --table contracts.answers}) names, else {@value #DEFAULT}.
   *
   * @param option the {@code --namespace} value, null when absent
   * @param table the main table's name as given
   */
  public static Namespace of(String option, String table) {
    String[] parts = parts(table);
    String fromTable = parts.length == 2 ? parts[0] : null;
    if (option != null && fromTable != null && !option.equals(fromTable)) {
      throw new ConfigException("Cannot put the tables in namespace " + option + " and " + table
          + " in namespace " + fromTable + ": give the table's name without a namespace, or leave out --namespace");
    }
    return new Namespace(option != null ? option : fromTable != null ? fromTable : DEFAULT);
  }

  /** {@code namespace.table} for a plain table name; a qualified one as it is, without the catalog. */
  public String qualify(String table) {
    String[] parts = parts(table);
    return parts.length == 2 ? parts[0] + "." + parts[1] : name + "." + parts[0];
  }

  /** The fully qualified name, {@code corpusqa.qa.answers}, as every engine's SQL names it. */
  public static String fullyQualified(String qualifiedTable) {
    return CATALOG + "." + qualifiedTable;
  }

  /** The table's own name, without its namespace. */
  public static String tableOf(String qualifiedTable) {
    return qualifiedTable.substring(qualifiedTable.lastIndexOf('.') + 1);
  }

  /** The table name's namespace and name, the catalog taken off; a configuration error if malformed. */
  private static String[] parts(String table) {
    String name = table.startsWith(CATALOG + ".") && table.chars().filter(c -> c == '.').count() == 2
        ? table.substring(CATALOG.length() + 1) : table;
    String[] parts = name.split("\\.", -1);
    for (String part : parts) {
      if (parts.length > 2 || !IDENTIFIER.matcher(part).matches()) {
        throw new ConfigException("Cannot use table name '" + table + "': give a name (answers) or a namespace and"
            + " a name (contracts.answers), each letters, digits and _, not starting with a digit");
      }
    }
    return parts;
  }
}
