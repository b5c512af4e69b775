package org.corpusqa.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The project's shared data beside the checkout ({@code ../shared}, or {@code -Dcorpusqa.shared}):
 * read in place, never copied into the project. A test that needs it skips with the reason when it
 * is absent (CI fails on any skip).
 */
public final class SharedData {
  public static final Path ROOT =
      Paths.get(System.getProperty("corpusqa.shared", "../shared")).toAbsolutePath().normalize();

  private SharedData() {}

  /** A Hugging Face model folder of {@code ../shared/fixtures/hf} (see its README). */
  public static Path hfFixture(String name) {
    Path folder = ROOT.resolve("fixtures/hf").resolve(name);
    assumeTrue(Files.isDirectory(folder), "needs ../shared/fixtures/hf (Hugging Face folders): not found at " + folder);
    return folder;
  }
}
