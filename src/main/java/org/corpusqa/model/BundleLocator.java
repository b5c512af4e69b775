package org.corpusqa.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

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

  private static Path copy(String uri, Configuration hadoopConf) {
    try {
      String key =
          HexFormat.of()
              .formatHex(
                  java.security.MessageDigest.getInstance("SHA-256")
                      .digest(uri.getBytes(StandardCharsets.UTF_8)))
              .substring(0, 16);
      Path target =
          Paths.get(System.getProperty("java.io.tmpdir"), "corpusqa-models", key + "-" + ProcessHandle.current().pid());
      Files.createDirectories(target.getParent());
      org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(uri);
      FileSystem fs = source.getFileSystem(hadoopConf);
      if (!fs.getFileStatus(source).isDirectory()) {
        throw new ModelBundleException("Cannot load model bundle: " + uri + " is not a directory");
      }
      fs.copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(target.toUri()), true);
      return target;
    } catch (java.io.FileNotFoundException e) {
      throw new ModelBundleException("Cannot load model bundle: " + uri + " does not exist", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy model bundle " + uri + " to a local directory", e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
