package org.corpusqa.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.corpusqa.qa.Aggregate;
import org.corpusqa.qa.AnswerPooling;
import org.corpusqa.qa.Classification;
import org.corpusqa.qa.DecodingKey;
import org.corpusqa.qa.DecodingSettings;
import org.corpusqa.qa.Prefilter;
import org.corpusqa.qa.Query;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a queries file: optional {@code defaults} (any decoding setting) and a list of
 * {@code queries}, each with an {@code id}, a {@code question} and optional per-query settings.
 * A query with {@code task: classify} asks a classification model for a label instead of an
 * answer (the default {@code task: answer}): its {@code question} is optional (without one the
 * text alone is classified), and {@code aggregate}, {@code positive_label} and {@code threshold}
 * say how windows combine and how a label is decided. Every error names the file and the line,
 * and says what is accepted.
 */
public final class QueriesFile {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final Set<String> TOP_KEYS = Set.of("defaults", "queries");
  private static final String PREFILTER = "prefilter";
  /** The keys of a classification query besides the decoding settings, which cut its windows. */
  private static final Set<String> CLASSIFY_KEYS = Set.of("task", "aggregate", "positive_label", "threshold");
  /**
   * Each label from the window most sure of it: DaNetQA-style models were trained on a question
   * with the one passage that bears on it, so over a long document only the windows that hold the
   * evidence look like their training inputs (README, Classification).
   */
  public static final Aggregate DEFAULT_AGGREGATE = Aggregate.MAX;
  /** A positive label's default threshold: it is decided when it is at least as likely as not. */
  public static final double DEFAULT_THRESHOLD = 0.5;

  private final String source;

  private QueriesFile(String source) {
    this.source = source;
  }

  public static List<Query> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Cannot read queries file " + file + ": no such file");
    }
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new QueriesFile(file.toString()).parse(reader, DecodingSettings.DEFAULTS);
    } catch (IOException e) {
      throw new ConfigException("Cannot read queries file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses YAML text; {@code source} names it in messages. */
  public static List<Query> parse(String source, String yaml) {
    return new QueriesFile(source).parse(new java.io.StringReader(yaml), DecodingSettings.DEFAULTS);
  }

  private List<Query> parse(Reader reader, DecodingSettings base) {
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (YAMLException e) {
      throw new ConfigException("Cannot read queries file " + source + ": not valid YAML: " + firstLine(e.getMessage()));
    }
    if (root == null) {
      throw new ConfigException("Cannot read queries file " + source + ": it is empty; list your questions under 'queries:'");
    }
    MappingNode top = mapping(root, "the file");
    Map<DecodingKey, Object> defaults = Map.of();
    Prefilter defaultPrefilter = Prefilter.OFF;
    SequenceNode queries = null;
    for (NodeTuple entry : entries(top, TOP_KEYS)) {
      String key = keyOf(entry);
      if (key.equals("defaults")) {
        MappingNode node = mapping(entry.getValueNode(), "defaults");
        defaults = settings(node, Set.of(PREFILTER));
        defaultPrefilter = prefilterOf(node, Prefilter.OFF);
      } else {
        if (!(entry.getValueNode() instanceof SequenceNode seq)) {
          throw error(entry.getValueNode(), "'queries' must be a list of {id, question}");
        }
        queries = seq;
      }
    }
    if (queries == null || queries.getValue().isEmpty()) {
      throw error(root, "no queries; add a list 'queries:' of {id, question}");
    }
    List<Query> result = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Node item : queries.getValue()) {
      Query query = query(mapping(item, "a query"), base, defaults, defaultPrefilter);
      if (!ids.add(query.id())) {
        throw error(item, "duplicate query id '" + query.id() + "'; ids must be unique");
      }
      result.add(query);
    }
    return List.copyOf(result);
  }

  private Query query(MappingNode node, DecodingSettings base, Map<DecodingKey, Object> defaults,
      Prefilter defaultPrefilter) {
    String id = null;
    String question = null;
    boolean classify = false;
    Aggregate aggregate = DEFAULT_AGGREGATE;
    String positiveLabel = null;
    Double threshold = null;
    Node thresholdNode = null;
    for (NodeTuple entry : entries(node, null)) {
      String key = keyOf(entry);
      if (key.equals("id")) {
        id = string(entry.getValueNode(), "id");
        if (!ID.matcher(id).matches()) {
          throw error(entry.getValueNode(), "id must be letters, digits, '_', '.' or '-' (at most 128), got: '" + id + "'");
        }
      } else if (key.equals("question")) {
        question = string(entry.getValueNode(), "question");
        if (question.isBlank()) {
          throw error(entry.getValueNode(), "question must not be empty");
        }
      } else if (key.equals("task")) {
        String task = string(entry.getValueNode(), "task");
        if (!task.equals("answer") && !task.equals("classify")) {
          throw error(entry.getValueNode(), "task must be answer (extractive QA, the default) or classify (a label"
              + " from a classification model), got: " + task);
        }
        classify = task.equals("classify");
      } else if (key.equals("aggregate")) {
        String value = string(entry.getValueNode(), "aggregate");
        aggregate = Aggregate.fromKey(value).orElseThrow(() -> error(entry.getValueNode(),
            "aggregate must be one of " + Aggregate.allKeys() + ", got: " + value));
      } else if (key.equals("positive_label")) {
        positiveLabel = string(entry.getValueNode(), "positive_label");
      } else if (key.equals("threshold")) {
        thresholdNode = entry.getValueNode();
        threshold = probability(thresholdNode, "threshold");
      }
    }
    if (id == null) {
      throw error(node, "query has no 'id'");
    }
    if (!classify) {
      for (NodeTuple entry : node.getValue()) {
        if (Set.of("aggregate", "positive_label", "threshold").contains(keyOf(entry))) {
          throw error(entry.getKeyNode(), "query '" + id + "': " + keyOf(entry) + " is for classification queries;"
              + " add task: classify, or remove it");
        }
      }
    }
    if (question == null && !classify) {
      throw error(node, "query '" + id + "' has no 'question'");
    }
    if (threshold != null && positiveLabel == null) {
      throw error(thresholdNode, "query '" + id + "': threshold applies to a positive_label; name the label it decides");
    }
    Classification classification = classify
        ? new Classification(aggregate, positiveLabel, threshold == null ? DEFAULT_THRESHOLD : threshold) : null;
    Map<DecodingKey, Object> values = new EnumMap<>(DecodingKey.class);
    values.putAll(defaults);
    Set<String> other = new HashSet<>(Set.of("id", "question", PREFILTER, "task"));
    if (classify) {
      other.addAll(CLASSIFY_KEYS);
    }
    values.putAll(settings(node, other));
    Prefilter prefilter = prefilterOf(node, defaultPrefilter);
    try {
      // Settings are checked together, defaults and overrides alike, whatever their order.
      return new Query(id, question == null ? "" : question, base.withAll(values), prefilter, classification);
    } catch (IllegalArgumentException e) {
      throw error(node, "query '" + id + "': " + e.getMessage());
    }
  }

  /** A number from 0 to 1; the message names {@code key} and quotes the value as written. */
  private double probability(Node node, String key) {
    if (node instanceof ScalarNode scalar && (scalar.getTag().equals(Tag.FLOAT) || scalar.getTag().equals(Tag.INT))) {
      try {
        double value = Double.parseDouble(scalar.getValue());
        if (value >= 0 && value <= 1) {
          return value;
        }
      } catch (NumberFormatException e) {
        // Falls through to the message below.
      }
    }
    throw error(node, "Cannot set " + key + ": must be a probability between 0 and 1, got: " + describe(node));
  }

  /** The decoding keys of {@code node}, each checked alone; {@code otherKeys} are allowed and skipped. */
  private Map<DecodingKey, Object> settings(MappingNode node, Set<String> otherKeys) {
    Map<DecodingKey, Object> values = new EnumMap<>(DecodingKey.class);
    for (NodeTuple entry : node.getValue()) {
      String key = keyOf(entry);
      if (otherKeys.contains(key)) {
        continue;
      }
      Node value = entry.getValueNode();
      DecodingKey setting =
          DecodingKey.fromKey(key)
              .orElseThrow(
                  () ->
                      error(
                          entry.getKeyNode(),
                          "unknown key '" + key + "'; use "
                              + (otherKeys.isEmpty() ? "" : String.join(", ", otherKeys.stream().sorted().toList()) + ", ")
                              + DecodingKey.allKeys()));
      values.put(setting, switch (setting.kind()) {
        case FLAG -> bool(value, key);
        case INTEGER -> integer(value, setting);
        case PROBABILITY -> probability(value, setting);
        case CHOICE -> pooling(value);
      });
    }
    return values;
  }

  /**
   * The {@code prefilter:} of a query or of the defaults: a mapping of {@code top_windows},
   * {@code min_windows} and {@code method} (only {@code bm25} today), or {@code false} to read every
   * window; {@code inherited} when the key is absent.
   */
  private Prefilter prefilterOf(MappingNode node, Prefilter inherited) {
    for (NodeTuple entry : node.getValue()) {
      if (!keyOf(entry).equals(PREFILTER)) {
        continue;
      }
      Node value = entry.getValueNode();
      if (value instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL) && !bool(value, PREFILTER)) {
        return Prefilter.OFF;
      }
      int top = Prefilter.DEFAULT_TOP_WINDOWS;
      int min = Prefilter.DEFAULT_MIN_WINDOWS;
      for (NodeTuple setting : entries(mapping(value, "prefilter"), Set.of("top_windows", "min_windows", "method"),
          "top_windows, min_windows, method")) {
        String key = keyOf(setting);
        Node v = setting.getValueNode();
        switch (key) {
          case "top_windows" -> top = count(v, key, 1, Prefilter.MAX_TOP_WINDOWS);
          case "min_windows" -> min = count(v, key, 0, Prefilter.MAX_TOP_WINDOWS);
          default -> {
            if (!"bm25".equals(string(v, key))) {
              throw error(v, "Cannot set prefilter method: the one method is bm25, got: " + describe(v));
            }
          }
        }
      }
      try {
        return new Prefilter(top, min);
      } catch (IllegalArgumentException e) {
        throw error(value, e.getMessage());
      }
    }
    return inherited;
  }

  private int count(Node node, String key, int min, int max) {
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)) {
      try {
        int value = Integer.parseInt(scalar.getValue().replace("_", ""));
        if (value >= min && value <= max) {
          return value;
        }
      } catch (NumberFormatException e) {
        // Falls through to the message below: too large for an int.
      }
    }
    throw error(node, String.format("Cannot set prefilter %s: must be an integer between %d and %d, got: %s", key,
        min, max, describe(node)));
  }

  private List<NodeTuple> entries(MappingNode node, Set<String> allowed) {
    return entries(node, allowed, "defaults, queries");
  }

  private List<NodeTuple> entries(MappingNode node, Set<String> allowed, String allowedList) {
    Set<String> seen = new HashSet<>();
    for (NodeTuple entry : node.getValue()) {
      String key = keyOf(entry);
      if (!seen.add(key)) {
        throw error(entry.getKeyNode(), "key '" + key + "' appears twice");
      }
      if (allowed != null && !allowed.contains(key)) {
        throw error(entry.getKeyNode(), "unknown key '" + key + "'; use " + allowedList);
      }
    }
    return node.getValue();
  }

  private String keyOf(NodeTuple entry) {
    if (!(entry.getKeyNode() instanceof ScalarNode scalar)) {
      throw error(entry.getKeyNode(), "keys must be plain names");
    }
    return scalar.getValue();
  }

  private MappingNode mapping(Node node, String what) {
    if (!(node instanceof MappingNode mapping)) {
      throw error(node, what + " must be a mapping of key: value");
    }
    return mapping;
  }

  private String string(Node node, String key) {
    if (!(node instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
      throw error(node, key + " must be a string");
    }
    return scalar.getValue();
  }

  private int integer(Node node, DecodingKey setting) {
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)) {
      try {
        return setting.checkRange(Integer.parseInt(scalar.getValue().replace("_", "")));
      } catch (NumberFormatException e) {
        // Falls through to the message below: too large for an int.
      } catch (IllegalArgumentException e) {
        throw error(node, e.getMessage());
      }
    }
    throw error(node, String.format("Cannot set %s: must be an integer between %d and %d, got: %s",
        setting.key(), setting.min(), setting.max(), describe(node)));
  }

  private double probability(Node node, DecodingKey setting) {
    return setting.checkProbability(probability(node, setting.key()));
  }

  /** The only choice setting today is {@code pooling}. */
  private AnswerPooling pooling(Node node) {
    String value = node instanceof ScalarNode scalar ? scalar.getValue() : describe(node);
    return AnswerPooling.fromKey(value).orElseThrow(() -> error(node,
        "Cannot set pooling: must be one of " + AnswerPooling.allKeys() + ", got: " + value));
  }

  private boolean bool(Node node, String key) {
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
      return Boolean.parseBoolean(scalar.getValue().toLowerCase(java.util.Locale.ROOT))
          || scalar.getValue().equalsIgnoreCase("yes") || scalar.getValue().equalsIgnoreCase("on");
    }
    throw error(node, "Cannot set " + key + ": must be true or false, got: " + describe(node));
  }

  private static String describe(Node node) {
    return node instanceof ScalarNode scalar ? scalar.getValue() : node.getNodeId().name();
  }

  private ConfigException error(Node node, String message) {
    int line = node.getStartMark().getLine() + 1;
    return new ConfigException("Cannot read queries file " + source + ": line " + line + ": " + message);
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.strip().replace('\n', ' ');
  }
}
