package org.corpusqa.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamespaceTest {
  @Test
  void plainNamesGoToTheDefaultNamespaceAndTheOthersFollowTheAnswersTable() {
    assertThat(RunOptions.Tables.defaults()).isEqualTo(new RunOptions.Tables("qa.answers", "qa.quarantine", "qa.runs", "qa.labels"));
    assertThat(RunOptions.Tables.in(null, "contracts.answers", "quarantine", "runs", "labels"))
        .isEqualTo(new RunOptions.Tables("contracts.answers", "contracts.quarantine", "contracts.runs", "contracts.labels"));
    assertThat(RunOptions.Tables.in("nightly", "answers", "audit.quarantine", "runs", "labels"))
        .isEqualTo(new RunOptions.Tables("nightly.answers", "audit.quarantine", "nightly.runs", "nightly.labels"));
    assertThat(RunOptions.Tables.in("contracts", "corpusqa.contracts.answers", "quarantine", "runs", "labels").answers())
        .isEqualTo("contracts.answers");
    assertThat(Namespace.fullyQualified("qa.answers")).isEqualTo("corpusqa.qa.answers");
  }

  @Test
  void contradictionsAndMalformedNamesAreConfigurationErrors() {
    assertThatThrownBy(() -> RunOptions.Tables.in("qa", "contracts.answers", "quarantine", "runs", "labels"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("namespace qa and contracts.answers in namespace"
            + " contracts: give the table's name without a namespace, or leave out --namespace");
    assertThatThrownBy(() -> RunOptions.Tables.in(null, "a.b.answers", "quarantine", "runs", "labels"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("Cannot use table name 'a.b.answers'");
    assertThatThrownBy(() -> RunOptions.Tables.in(null, "answers;DROP", "quarantine", "runs", "labels"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> new Namespace("1qa")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("give another --namespace");
  }
}
