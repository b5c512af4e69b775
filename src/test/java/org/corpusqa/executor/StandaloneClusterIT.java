package org.corpusqa.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.corpusqa.testing.Processes;
import org.corpusqa.testing.Processes.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark standalone cluster (a master and a worker started from the Maven-resolved Spark jars, as a
 * Spark distribution would run them) with two executors; the job goes through spark-submit's entry
 * point with --master spark://..., and each executor JVM loads the model once.
 */
class StandaloneClusterIT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final List<String> OPENS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
      "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");

  @TempDir Path tmp;
  private final List<Process> daemons = new ArrayList<>();

  @AfterEach
  void stopCluster() throws InterruptedException {
    for (Process p : daemons) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** A Spark home whose jars/ holds the Maven-resolved Spark classpath: what workers start executors from. */
  private Path sparkHome() throws IOException {
    Path home = tmp.resolve("spark-home");
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "Spark 3.5.7 (Maven-resolved jars for tests)\n");
    for (String jar : Files.readString(ROOT.resolve("target/spark-classpath.txt")).strip().split(":")) {
      Path source = Paths.get(jar);
      Path link = jars.resolve(source.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, source);
      }
    }
    return home;
  }

  private Process daemon(String mainClass, Path home, Path log, String... args) {
    List<String> command = new ArrayList<>(List.of("java", "-Xmx512m"));
    command.addAll(OPENS);
    command.addAll(List.of("-cp", home.resolve("jars") + "/*", mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("SPARK_HOME", home.toString(), "SPARK_SCALA_VERSION", "2.12",
        "SPARK_LOCAL_IP", "127.0.0.1"));
    try {
      Process p = builder.start();
      daemons.add(p);
      return p;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void await(Path log, String text, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!(Files.exists(log) && Files.readString(log).contains(text))) {
      assertThat(process.isAlive()).as(Files.exists(log) ? Files.readString(log) : "no log").isTrue();
      assertThat(System.nanoTime()).as("waiting for '" + text + "'").isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  @Test
  void runsOnTwoExecutorsEachLoadingTheModelOnce() throws Exception {
    Path home = sparkHome();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String master = "spark://127.0.0.1:" + port;
    Path masterLog = tmp.resolve("master.log");
    Process masterProcess = daemon("org.apache.spark.deploy.master.Master", home, masterLog,
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", "0");
    await(masterLog, "I have been elected leader", masterProcess);
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path workerLog = tmp.resolve("worker.log");
    Process worker = daemon("org.apache.spark.deploy.worker.Worker", home, workerLog, "--host", "127.0.0.1",
        "--cores", "2", "--memory", "3g", "--webui-port", "0", "--work-dir", work.toString(), master);
    await(workerLog, "Successfully registered with master", worker);

    String executorOptions = String.join(" ", OPENS) + " -Dai.djl.offline=true";
    Result run = Processes.run(List.of(ROOT.resolve("jobs/corpus-qa").toString(), "--master", master,
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2", "--conf", "spark.executor.memory=1g",
        "--conf", "spark.executor.extraJavaOptions=" + executorOptions, "--conf", "spark.ui.enabled=false",
        "run", "--input", ROOT.resolve("jobs/sample/contracts.jsonl").toString(), "--input-format", "json",
        "--queries", "jobs/queries/contract-security.yaml", "--model",
        ROOT.resolve("src/test/resources/models/tiny-bert").toString(), "--warehouse", tmp.resolve("warehouse").toString()),
        Map.of(), ROOT, 900);
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.stdout()).contains("8 records read: 8 answered");

    List<Path> executorLogs;
    try (Stream<Path> files = Files.walk(work)) {
      executorLogs = files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
    }
    assertThat(executorLogs).as("executor logs under " + work).hasSize(2);
    int loads = 0;
    for (Path log : executorLogs) {
      String text = Files.readString(log);
      int here = text.split("Loaded model tiny-bert", -1).length - 1;
      assertThat(here).as("model loads in " + log).isLessThanOrEqualTo(1);
      loads += here;
      assertThat(text).doesNotContain("Поставщик обязуется");
    }
    assertThat(loads).isBetween(1, 2);
  }
}
