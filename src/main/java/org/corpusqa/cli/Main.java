package org.corpusqa.cli;

import java.io.PrintWriter;
import org.corpusqa.config.ConfigException;
import org.corpusqa.io.ConcurrentCommitException;
import org.corpusqa.job.QuarantineShareExceededException;
import org.corpusqa.model.ModelBundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code corpus-qa} command line; {@code jobs/corpus-qa} starts it through spark-submit. */
@Command(
    name = "corpus-qa",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Extractive question answering over document corpora on Spark.",
    subcommands = {RunCommand.class, BackfillCommand.class, EvaluateCommand.class, SqlCommand.class, BenchCommand.class,
      ModelCommand.class})
public final class Main implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /** Exit status of a configuration error: nothing was read or written. */
  public static final int CONFIG_ERROR = 2;

  /** Exit status of a run that quarantined more than its allowed share: output was written. */
  public static final int QUARANTINE_SHARE_EXCEEDED = 3;

  /**
   * Exit status of a commit that lost a race with another run's, after its retries: that table has
   * nothing of this commit, and rerunning the command finishes the work.
   */
  public static final int LOST_COMMIT_RACE = 4;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    // Closed sets are enums, given in lower case ("--input-format json") as --help lists them.
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(Main::handle);
    cli.setParameterExceptionHandler(Main::handleParameters);
    return cli.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    if (e instanceof ConfigException || e instanceof ModelBundleException
        || e instanceof picocli.CommandLine.ParameterException) {
      err.println("corpus-qa: " + e.getMessage());
      err.flush();
      return CONFIG_ERROR;
    }
    if (e instanceof QuarantineShareExceededException exceeded) {
      // The run finished and wrote its output: its summary goes where a successful run's does.
      cli.getOut().println(exceeded.summary());
      cli.getOut().flush();
      err.println("corpus-qa: " + e.getMessage());
      err.flush();
      return QUARANTINE_SHARE_EXCEEDED;
    }
    if (e instanceof ConcurrentCommitException) {
      err.println("corpus-qa: " + e.getMessage());
      err.flush();
      return LOST_COMMIT_RACE;
    }
    // The stack trace goes to the log (stderr by default); the last line says what failed, once.
    LOG.error("corpus-qa failed", e);
    err.println("corpus-qa: failed: " + e.getClass().getName() + ": " + ConfigException.firstLine(e.getMessage())
        + " (the stack trace is in the log above)");
    err.flush();
    return 1;
  }

  /** A wrong flag or value is a configuration error: one line with the fix, not the whole usage text. */
  private static int handleParameters(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("corpus-qa: " + e.getMessage() + "; see " + e.getCommandLine().getCommandSpec().qualifiedName()
        + " --help");
    err.flush();
    return CONFIG_ERROR;
  }

  /** Reads the version from the job jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"corpus-qa " + (version == null ? "(development build)" : version)};
    }
  }
}
