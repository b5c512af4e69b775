package org.corpusqa.model;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.corpusqa.digest.Sha256;

/**
 * Turns a bundle URI into a local directory: a local path is used as it is; any other Hadoop
 * file system URI ({@code s3a:}, {@code hdfs:}, ...) is copied once per JVM into a local cache.
 */
public final class BundleLocator {
  private static final Map<String, Path> COPIES = new ConcurrentHashMap<>();

  private BundleLocator() {}

  public static Path localDirectory(String uri, Configuration hadoopConf) {
    URI parsed = URI.create(uri.replace(" ", "%20"));
    String scheme = parsed.getScheme();
    if (scheme == null || scheme.length() == 1) {
      return Paths.get(uri).toAbsolutePath().normalize();
    }
    if (scheme.equals("file")) {
      return Paths.get(parsed).toAbsolutePath().normalize();
    }
    return COPIES.computeIfAbsent(uri, u -> copy(u, hadoopConf));
  }

  /**
   * The URI executors should use: a relative local path is made absolute on the driver, since each
   * executor would resolve it against its own working directory.
   */
  public static String forExecutors(String uri) {
    URI parsed = URI.create(uri.replace(" ", "%20"));
    String scheme = parsed.getScheme();
    return scheme == null || scheme.length() == 1 ? Paths.get(uri).toAbsolutePath().normalize().toString() : uri;
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (Files.exists(path)) {
      try (java.util.stream.Stream<Path> walk = Files.walk(path)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static Path copy(String uri, Configuration hadoopConf) {
    try {
      String key = Sha256.of(uri).substring(0, 16);
      // The copy keeps the folder's own name, which names a Hugging Face folder's model.
      String name = new org.apache.hadoop.fs.Path(uri).getName();
      Path target =
          Paths.get(System.getProperty("java.io.tmpdir"), "corpusqa-models", key + "-" + ProcessHandle.current().pid())
              .resolve(name.isEmpty() ? "model" : name);
      // Copied next to the target and renamed into place: a copy cut off half-way (a network error)
      // never looks like a bundle, and the next task copies again.
      Path partial = target.resolveSibling(target.getFileName() + ".partial");
      deleteRecursively(partial);
      deleteRecursively(target);
      Files.createDirectories(target.getParent());
      org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(uri);
      FileSystem fs = source.getFileSystem(hadoopConf);
      if (!fs.getFileStatus(source).isDirectory()) {
        throw new ModelBundleException("Cannot load model bundle: " + uri + " is not a directory");
      }
      fs.copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(partial.toUri()), true);
      Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (java.io.FileNotFoundException e) {
      throw new ModelBundleException("Cannot load model bundle: " + uri + " does not exist", e);
    } catch (IOException e) {
      // An unknown scheme, refused credentials or an unreachable endpoint: the URI or the file
      // system's settings need fixing, found before any data is read.
      throw new ModelBundleException("Cannot load model " + uri + ": it cannot be copied to this machine ("
          + e.getClass().getSimpleName() + ": " + ModelBundleException.firstLine(e.getMessage()) + "); check the URI and the file"
          + " system's settings and credentials (conf/s3.properties for s3a://)", e);
    }
  }
}
