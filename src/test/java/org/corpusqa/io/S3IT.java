package org.corpusqa.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.corpusqa.testing.Processes.Result;
import org.corpusqa.testing.Processes;
import org.corpusqa.testing.SharedData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input, model bundle, Iceberg warehouse and explain output all on s3a://, against a local
 * S3-compatible server (S3Mock, its own process), with conf/s3.properties and credentials from the
 * environment only.
 */
class S3IT {
  private static final Path ROOT = Paths.get("").toAbsolutePath();
  private static final String SECRET = "s3cr3t-canary-do-not-log";

  @TempDir Path tmp;
  private Process s3mock;
  private int port;

  @BeforeEach
  void startS3Mock() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = tmp.resolve("s3mock.log");
    s3mock = Processes.start(List.of("java", "-Xmx512m", "-jar", ROOT.resolve("target/s3mock/s3mock.jar").toString(),
        "--server.port=0", "--com.adobe.testing.s3mock.httpPort=" + port,
        "--com.adobe.testing.s3mock.store.initial-buckets=corpus", "--server.address=127.0.0.1",
        "--com.adobe.testing.s3mock.store.root=" + tmp.resolve("s3root")), ROOT, log);
    Processes.awaitLog(s3mock, log, "Started S3MockApplication", "S3Mock", 120);
  }

  @AfterEach
  void stopS3Mock() throws Exception {
    if (s3mock != null) {
      s3mock.destroy();
      s3mock.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Configuration s3() {
    Configuration conf = new Configuration();
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:" + port);
    conf.set("fs.s3a.path.style.access", "true");
    conf.set("fs.s3a.access.key", "test-key");
    conf.set("fs.s3a.secret.key", SECRET);
    conf.set("fs.s3a.change.detection.version.required", "false");
    return conf;
  }

  private Map<String, String> credentials() {
    return Map.of("AWS_ACCESS_KEY_ID", "test-key", "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", "us-east-1");
  }

  private Result corpusQa(String... args) {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("jobs/corpus-qa").toString(),
        "--properties-file", "conf/s3.properties",
        "--conf", "spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:" + port,
        "--conf", "spark.hadoop.fs.s3a.change.detection.version.required=false"));
    command.addAll(List.of(args));
    return Processes.run(command, credentials(), ROOT, 900);
  }

  @Test
  void runsEntirelyOnS3AndLeavesNoPendingUploads() throws Exception {
    FileSystem fs = FileSystem.get(java.net.URI.create("s3a://corpus/"), s3());
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(ROOT.resolve("jobs/sample/contracts.jsonl").toUri()),
        new org.apache.hadoop.fs.Path("s3a://corpus/input/day=2024-01-01/contracts.jsonl"));
    for (String file : List.of("model.pt", "tokenizer.json", "corpusqa-model.json")) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(ROOT.resolve("src/test/resources/models/tiny-bert/" + file).toUri()),
          new org.apache.hadoop.fs.Path("s3a://corpus/models/tiny-bert/" + file));
    }
    Result run = corpusQa("run", "--input", "s3a://corpus/input/", "--input-format", "json",
        "--queries", "jobs/queries/contract-security.yaml", "--model", "s3a://corpus/models/tiny-bert",
        "--warehouse", "s3a://corpus/warehouse", "--explain", "s3a://corpus/explain");
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.stdout()).contains("8 records read: 8 answered");

    Result sql = corpusQa("sql", "--warehouse", "s3a://corpus/warehouse", "--format", "csv",
        "SELECT count(*) AS n, count(DISTINCT doc_id) AS docs FROM answers");
    assertThat(sql.exitCode()).as(sql.all()).isZero();
    assertThat(sql.stdout()).contains("n,docs\n16,8");
    // An analyst's export: Spark's own file write, through the S3A magic committer.
    Result export = corpusQa("sql", "--warehouse", "s3a://corpus/warehouse",
        "INSERT OVERWRITE DIRECTORY 's3a://corpus/export' USING parquet SELECT doc_id, query_id, answer FROM answers");
    assertThat(export.exitCode()).as(export.all()).isZero();
    assertThat(fs.exists(new org.apache.hadoop.fs.Path("s3a://corpus/export/_SUCCESS"))).isTrue();
    assertThat(fs.listStatus(new org.apache.hadoop.fs.Path("s3a://corpus/explain"))).isNotEmpty();

    assertThat(((S3AFileSystem) fs).listMultipartUploads("")).as("pending multipart uploads").isEmpty();
    assertThat(fs.exists(new org.apache.hadoop.fs.Path("s3a://corpus/export/__magic"))).isFalse();
    assertThat(run.all() + sql.all() + export.all()).doesNotContain(SECRET).doesNotContain("Поставщик");

    // A Hugging Face folder in a hub repository's layout, checked straight from S3: named after
    // its folder, and the same identity as the folder on local disk.
    Path hf = SharedData.hfFixture("qa-distilbert");
    for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "model.onnx")) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(hf.resolve(file).toUri()),
          new org.apache.hadoop.fs.Path("s3a://corpus/models/qa-distilbert/" + (file.endsWith(".onnx") ? "onnx/" : "") + file));
    }
    Result check = corpusQa("model", "check", "s3a://corpus/models/qa-distilbert");
    assertThat(check.exitCode()).as(check.all()).isZero();
    Path local = tmp.resolve("qa-distilbert");
    Files.createDirectories(local.resolve("onnx"));
    for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
      Files.copy(hf.resolve(file), local.resolve(file));
    }
    Files.copy(hf.resolve("model.onnx"), local.resolve("onnx/model.onnx"));
    assertThat(check.stdout()).contains("model:        qa-distilbert\n")
        .contains("format:       onnx (onnx/model.onnx, OnnxRuntime)\n")
        .contains("model_sha256: " + org.corpusqa.model.ModelBundle.open(local).sha256() + "\n");
    assertThat(check.all()).doesNotContain(SECRET);
  }
}
