package org.corpusqa.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamespaceTest {
  @Test
  void plainNamesGoToTheDefaultNamespaceAndTheOthersFollowTheAnswersTable() {
    assertThat(RunOptions.Tables.defaults()).isEqualTo(new RunOptions.Tables("qa.answers", "qa.quarantine", "qa.runs"));
    assertThat(RunOptions.Tables.in(null, "contracts.answers", "quarantine", "runs"))
        .isEqualTo(new RunOptions.Tables("contracts.answers", "contracts.quarantine", "contracts.runs"));
    assertThat(RunOptions.Tables.in("nightly", "answers", "audit.quarantine", "runs"))
        .isEqualTo(new RunOptions.Tables("nightly.answers", "audit.quarantine", "nightly.runs"));
    assertThat(RunOptions.Tables.in("contracts", "corpusqa.contracts.answers", "quarantine", "runs").answers())
        .isEqualTo("contracts.answers");
    assertThat(Namespace.fullyQualified("qa.answers")).isEqualTo("corpusqa.qa.answers");
  }

  @Test
  void contradictionsAndMalformedNamesAreConfigurationErrors() {
    assertThatThrownBy(() -> RunOptions.Tables.in("qa", "contracts.answers", "quarantine", "runs"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("namespace qa and contracts.answers in namespace"
            + " contracts: give the table's name without a namespace, or leave out --namespace");
    assertThatThrownBy(() -> RunOptions.Tables.in(null, "a.b.answers", "quarantine", "runs"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("Cannot use table name 'a.b.answers'");
    assertThatThrownBy(() -> RunOptions.Tables.in(null, "answers;DROP", "quarantine", "runs"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> new Namespace("1qa")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("give another --namespace");
  }
}
