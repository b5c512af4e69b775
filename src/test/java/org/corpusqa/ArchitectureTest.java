package org.corpusqa;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the layers the README's architecture section draws: read from the sources (imports and
 * fully qualified names, comments left out), so that a wrong import fails the build with the file
 * that made it.
 */
class ArchitectureTest {
  private static final Path MAIN = Paths.get("src/main/java/org/corpusqa");
  private static final Pattern REFERENCE = Pattern.compile("\\borg\\.corpusqa\\.([a-z]+)\\.");

  /** Every package and the packages it may use; the README's table says the same. */
  private static final Map<String, Set<String>> ALLOWED = Map.of(
      "digest", Set.of(),
      "qa", Set.of("digest"),
      "model", Set.of("qa", "digest"),
      "config", Set.of("qa"),
      "eval", Set.of("config", "digest"),
      "io", Set.of("config", "eval", "qa", "digest"),
      "executor", Set.of("io", "model", "qa", "config", "digest"),
      "job", Set.of("executor", "io", "model", "eval", "config", "qa", "digest"),
      "bench", Set.of("job", "io", "model", "eval", "config", "qa", "digest"),
      "cli", Set.of("bench", "job", "executor", "io", "model", "eval", "config", "qa", "digest"));

  /** Package -> (used package -> the first file that uses it). */
  private static final Map<String, Map<String, String>> USES = new TreeMap<>();
  private static final Map<String, List<String>> SPARK_USERS = new TreeMap<>();

  @BeforeAll
  static void readSources() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String pkg = MAIN.relativize(file).getName(0).toString();
        String code = withoutComments(read(file));
        Matcher m = REFERENCE.matcher(code);
        Map<String, String> uses = USES.computeIfAbsent(pkg, k -> new TreeMap<>());
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            uses.putIfAbsent(m.group(1), MAIN.relativize(file).toString());
          }
        }
        if (code.contains("org.apache.spark.")) {
          SPARK_USERS.computeIfAbsent(pkg, k -> new ArrayList<>()).add(MAIN.relativize(file).toString());
        }
      }
    }
  }

  @Test
  void everyPackageIsDrawnInTheArchitecture() {
    assertThat(ALLOWED.keySet()).containsAll(USES.keySet());
  }

  @Test
  void packagesImportOnlyWhatTheArchitectureAllows() {
    List<String> violations = new ArrayList<>();
    USES.forEach((pkg, uses) -> uses.forEach((used, file) -> {
      if (!ALLOWED.getOrDefault(pkg, Set.of()).contains(used)) {
        violations.add(file + " uses " + used);
      }
    }));
    assertThat(violations).isEmpty();
  }

  @Test
  void theEngineConfigurationAndEvaluationKnowNothingOfSpark() {
    for (String pkg : List.of("digest", "qa", "model", "config", "eval")) {
      assertThat(SPARK_USERS.getOrDefault(pkg, List.of())).as("Spark imports in " + pkg).isEmpty();
    }
  }

  @Test
  void ioNeverImportsTheJobsOrTheirTasks() {
    assertThat(USES.getOrDefault("io", Map.of())).doesNotContainKeys("job", "executor", "bench", "cli");
  }

  @Test
  void noCycleBetweenPackages() {
    for (String start : USES.keySet()) {
      assertThat(reachable(start)).as("packages reachable from " + start).doesNotContain(start);
    }
  }

  @Test
  void theRulesSeeAWrongImport() {
    // The check itself is checked: a reference in code counts, one in a comment does not.
    assertThat(REFERENCE.matcher(withoutComments("import org.corpusqa.job.AnswerJob;")).find()).isTrue();
    assertThat(REFERENCE.matcher(withoutComments("/** see {@link org.corpusqa.job.AnswerJob} */ // org.corpusqa.cli.")).find())
        .isFalse();
  }

  private static Set<String> reachable(String start) {
    Set<String> seen = new TreeSet<>();
    List<String> todo = new ArrayList<>(USES.getOrDefault(start, Map.of()).keySet());
    while (!todo.isEmpty()) {
      String next = todo.remove(todo.size() - 1);
      if (seen.add(next)) {
        todo.addAll(USES.getOrDefault(next, Map.of()).keySet());
      }
    }
    return seen;
  }

  private static String withoutComments(String code) {
    return code.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
