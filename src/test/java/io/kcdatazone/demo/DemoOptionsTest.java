package io.kcdatazone.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.net.URI;

class DemoOptionsTest {

    @Test
    void noOptionsRunTheScenarioAgainstTheSimulatorAndStop() {
        DemoOptions options = DemoOptions.parse("");

        assertThat(options.scenario).isTrue();
        assertThat(options.keepRunning).isFalse();
        assertThat(options.prometheus).isFalse();
        assertThat(options.datazoneEndpoint).isNull();
    }

    @Test
    void prometheusIsOptIn() {
        assertThat(DemoOptions.parse("--keep-running --prometheus").prometheus).isTrue();
    }

    @Test
    void optionsMayComeInOneArgumentAsMavenPassesThem() {
        DemoOptions options = DemoOptions.parse(
                " --no-scenario  --keep-running --datazone-endpoint https://datazone.us-east-1.api.aws ");

        assertThat(options.scenario).isFalse();
        assertThat(options.keepRunning).isTrue();
        assertThat(options.datazoneEndpoint).isEqualTo(URI.create("https://datazone.us-east-1.api.aws"));
    }

    @Test
    void anotherEndpointNeedsNoScenarioBecauseTheScenarioUsesTheSimulatorsDataSources() {
        assertThatThrownBy(() -> DemoOptions.parse("--datazone-endpoint", "http://127.0.0.1:8090"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--no-scenario");
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> DemoOptions.parse("--keep-runing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--keep-runing");
        assertThatThrownBy(() -> DemoOptions.parse("--no-scenario --datazone-endpoint"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a URL");
        assertThatThrownBy(() -> DemoOptions.parse("--no-scenario --datazone-endpoint ftp://host"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s)");
    }
}
