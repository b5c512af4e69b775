package org.corpusqa.testing;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for the catalog tests: the one {@code .ci/run} started (its URL, user
 * and password in CORPUSQA_TEST_POSTGRES_URL, _USER and _PASSWORD), or else one that this object
 * starts with tools/local-postgres.sh and stops on {@link #close()}. Each {@link #newDatabase()} is
 * a database of its own, so that tests do not see each other's catalogs. Without PostgreSQL's
 * server binaries the tests skip with a message, and CI, which installs them, fails on a skip.
 */
public final class PostgresServer implements AutoCloseable {
  private static final Path ROOT = Paths.get("").toAbsolutePath();

  /** Where a database is and who may use it. */
  public record Database(String url, String user, String password) {}

  private final String adminUrl;
  private final String user;
  private final String password;
  /** The folder of the server this object started; null when it uses CI's. */
  private final String startedDir;

  private PostgresServer(String adminUrl, String user, String password, String startedDir) {
    this.adminUrl = adminUrl;
    this.user = user;
    this.password = password;
    this.startedDir = startedDir;
  }

  public static PostgresServer start() throws Exception {
    String url = System.getenv("CORPUSQA_TEST_POSTGRES_URL");
    if (url != null) {
      return new PostgresServer(url, System.getenv("CORPUSQA_TEST_POSTGRES_USER"),
          System.getenv("CORPUSQA_TEST_POSTGRES_PASSWORD"), null);
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String password = "pg-" + UUID.randomUUID();
    Processes.Result started = Processes.run(List.of(ROOT.resolve("tools/local-postgres.sh").toString(), "start",
        String.valueOf(port), password), Map.of(), ROOT, 120);
    Assumptions.assumeTrue(started.exitCode() != 3,
        "PostgreSQL's server binaries are not installed (apt-get install postgresql): " + started.stderr());
    if (started.exitCode() != 0) {
      throw new AssertionError("tools/local-postgres.sh start failed: " + started.all());
    }
    String[] dirAndUrl = started.stdout().strip().split(" ");
    return new PostgresServer(dirAndUrl[1], "corpusqa", password, dirAndUrl[0]);
  }

  /** A new, empty database on the server. */
  public Database newDatabase() throws SQLException {
    String name = "corpusqa_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return new Database(adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + name, user, password);
  }

  @Override
  public void close() {
    if (startedDir != null) {
      Processes.run(List.of(ROOT.resolve("tools/local-postgres.sh").toString(), "stop", startedDir), Map.of(), ROOT,
          120);
    }
  }
}
