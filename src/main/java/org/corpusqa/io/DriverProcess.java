package org.corpusqa.io;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;

/**
 * The driver JVM a run is recorded with ({@code pid@host}, as the JVM names itself), and whether
 * the driver of an earlier run is gone: that can be known only on the same host, where the pid
 * either names no process, or a process started after that run began (the pid was reused).
 */
public final class DriverProcess {
  /** What can be known of an earlier run's driver from here. */
  public enum Liveness {
    ALIVE,
    GONE,
    /** Recorded on another host (or in an unknown form): this JVM cannot tell. */
    UNKNOWN
  }

  private DriverProcess() {}

  /** This JVM as {@code pid@host}. */
  public static String current() {
    return ProcessHandle.current().pid() + "@" + host();
  }

  public static Liveness of(String driver, Instant runStartedAt) {
    int at = driver == null ? -1 : driver.indexOf('@');
    if (at <= 0 || !driver.substring(at + 1).equals(host())) {
      return Liveness.UNKNOWN;
    }
    long pid;
    try {
      pid = Long.parseLong(driver.substring(0, at));
    } catch (NumberFormatException e) {
      return Liveness.UNKNOWN;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return Liveness.GONE;
    }
    Optional<Instant> started = process.get().info().startInstant();
    // A process that started after the run began cannot be the run's driver: its pid was reused.
    return started.isPresent() && started.get().isAfter(runStartedAt) ? Liveness.GONE : Liveness.ALIVE;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      // The JVM's own name is pid@host too, and is what an operator sees in tools such as jcmd.
      String name = ManagementFactory.getRuntimeMXBean().getName();
      return name.substring(name.indexOf('@') + 1);
    }
  }
}
