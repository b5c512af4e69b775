package org.corpusqa.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code corpus-qa model}: commands about models rather than corpora. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Inspect models.",
    subcommands = {ModelCheckCommand.class})
final class ModelCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
