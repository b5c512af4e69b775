package org.corpusqa.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.corpusqa.testing.PostgresServer;
import org.corpusqa.testing.Processes.Result;
import org.corpusqa.testing.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every engine reads the tables through a REST catalog: Iceberg's own REST catalog server (the one
 * behind the iceberg-rest-fixture image) runs as a process of its own, backed by the JDBC catalog
 * on a real PostgreSQL server; a run writes through it with conf/rest-catalog.properties, and a
 * reader that is not Spark (Iceberg's Java API, in a JVM without Spark) reads every answer back.
 */
class RestCatalogIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CREDENTIAL = "corpusqa:rest-secret-canary";

  @TempDir static Path tmp;
  private static PostgresServer postgres;
  private static Process server;
  private static String uri;
  private static String classpath;

  @BeforeAll
  static void startCatalog() throws Exception {
    postgres = PostgresServer.start();
    PostgresServer.Database db = postgres.newDatabase();
    Path classpathFile = ROOT.resolve("target/rest-catalog/classpath.txt");
    Result resolved = Processes.run(List.of("mvn", "-B", "-q", "-f", "src/test/rest-catalog/pom.xml",
        "dependency:build-classpath", "-Dmdep.outputFile=" + classpathFile), Map.of(), ROOT, 600);
    assertThat(resolved.exitCode()).as(resolved.all()).isZero();
    classpath = Files.readString(classpathFile).strip();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    uri = "http://127.0.0.1:" + port + "/";
    Path log = tmp.resolve("rest-catalog.log");
    server = Processes.start(List.of("java", "-Xmx512m", "-cp", classpath, "org.apache.iceberg.rest.RESTCatalogServer"),
        Map.of("CATALOG_CATALOG__IMPL", "org.apache.iceberg.jdbc.JdbcCatalog", "CATALOG_URI", db.url(),
            "CATALOG_JDBC_USER", db.user(), "CATALOG_JDBC_PASSWORD", db.password(),
            "CATALOG_WAREHOUSE", tmp.resolve("warehouse").toUri().toString(), "CATALOG_REST_PORT", String.valueOf(port)),
        ROOT, log);
    Processes.awaitLog(server, log, "Started Server", "The REST catalog server", 120);
  }

  @AfterAll
  static void stopCatalog() throws Exception {
    if (server != null) {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private static Result corpusQa(String... args) {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("jobs/corpus-qa").toString(), "--properties-file",
        ROOT.resolve("conf/rest-catalog.properties").toString()));
    command.addAll(List.of(args));
    return Processes.run(command, Map.of("CORPUSQA_REST_URI", uri, "CORPUSQA_REST_CREDENTIAL", CREDENTIAL,
        "CORPUSQA_REST_OAUTH2_URI", uri + "v1/oauth/tokens", "CORPUSQA_SCRATCH_DIR", tmp.resolve("scratch").toString()),
        ROOT, 600);
  }

  /** The table as the reader that is not Spark prints it: one JSON object per row. */
  private static List<JsonNode> readWithoutSpark(String table) {
    Result read = Processes.run(List.of("java", "-cp", classpath + ":" + ROOT.resolve("target/test-classes"),
        "org.corpusqa.testing.RestCatalogReader", uri, CREDENTIAL, "qa", table), Map.of(), ROOT, 300);
    assertThat(read.exitCode()).as(read.all()).isZero();
    assertThat(read.stderr()).doesNotContain("org.apache.spark");
    return jsonLines(read.stdout());
  }

  private static List<JsonNode> jsonLines(String text) {
    try {
      List<JsonNode> rows = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          rows.add(JSON.readTree(line));
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> answerKeys(List<JsonNode> rows) {
    return rows.stream().map(r -> String.join("|", r.get("doc_id").asText(), r.get("query_id").asText(),
        r.get("rank").asText(), r.get("answer").isNull() ? "<none>" : r.get("answer").asText(),
        r.get("start_char").asText(), r.get("end_char").asText())).sorted().toList();
  }

  @Test
  void aRunThroughTheRestCatalogIsReadBackInFullByAReaderThatIsNotSpark() {
    Result run = corpusQa("run", "--input", "jobs/sample/contracts.jsonl", "--queries",
        "jobs/queries/contract-security.yaml", "--model", "src/test/resources/models/tiny-bert");
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.stdout()).contains("8 records read: 8 answered").contains("-> corpusqa.qa.answers");
    assertThat(run.all()).doesNotContain(CREDENTIAL.split(":")[1]);

    Result spark = corpusQa("sql", "--format", "json", "SELECT * FROM answers");
    assertThat(spark.exitCode()).as(spark.all()).isZero();
    List<JsonNode> bySpark = jsonLines(spark.stdout());
    assertThat(bySpark).hasSize(16);
    List<JsonNode> byIceberg = readWithoutSpark("answers");
    assertThat(answerKeys(byIceberg)).isEqualTo(answerKeys(bySpark));

    List<JsonNode> runs = readWithoutSpark("runs");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(runs.get(0).get("answer_rows").asLong()).isEqualTo(16);
    assertThat(runs.get(0).get("wall_seconds").asDouble()).isPositive();
  }
}
