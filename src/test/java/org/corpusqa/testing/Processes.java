package org.corpusqa.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the project's launchers and tools as a user would, capturing what they print. */
public final class Processes {
  private Processes() {}

  /** What a finished command printed; stdout and stderr are kept apart. */
  public record Result(int exitCode, String stdout, String stderr) {
    public String all() {
      return stdout + stderr;
    }
  }

  public static Result run(List<String> command, Map<String, String> env, Path workDir, int timeoutSeconds) {
    try {
      Path out = Files.createTempFile("corpusqa-out", ".txt");
      Path err = Files.createTempFile("corpusqa-err", ".txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("Timed out after " + timeoutSeconds + " s: " + command);
      }
      Result result =
          new Result(
              process.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return result;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Starts a command with stdout and stderr going to {@code log}, for tests that watch or kill it. */
  public static Process start(List<String> command, Path workDir, Path log) {
    return start(command, Map.of(), workDir, log);
  }

  /** {@link #start(List, Path, Path)} with {@code env} added to the environment. */
  public static Process start(List<String> command, Map<String, String> env, Path workDir, Path log) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      return builder.start();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Waits until a server started with {@link #start} writes {@code ready} to its log, failing with
   * the log when the process dies or {@code seconds} pass first.
   */
  public static void awaitLog(Process server, Path log, String ready, String name, int seconds) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!Files.readString(log).contains(ready)) {
      if (!server.isAlive()) {
        throw new AssertionError(name + " stopped before it was ready: " + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " was not ready after " + seconds + " s: " + Files.readString(log));
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** A Python 3 that can import torch (Debian's python3-torch), or null when there is none. */
  public static String pythonWithTorch() {
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      try {
        Process p = new ProcessBuilder(candidate, "-c", "import torch").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException e) {
        // Not installed under this name: try the next.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }
}
