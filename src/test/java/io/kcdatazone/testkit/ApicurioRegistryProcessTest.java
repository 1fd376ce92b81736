package io.kcdatazone.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApicurioRegistryProcessTest {

    private static final Path HOME = ApicurioRegistryProcess.homeFromSystemProperty();

    @Test
    void closeStopsTheProcess() throws Exception {
        ApicurioRegistryProcess registry = ApicurioRegistryProcess.launch(HOME, HOME.resolveSibling("apicurio-work"))
                .awaitReady(Duration.ofSeconds(90));
        ProcessHandle process = ProcessHandle.of(registry.pid()).orElseThrow();

        registry.close();

        assertThat(process.isAlive()).isFalse();
        assertThatThrownBy(() -> registry.ccompat().globalCompatibility()).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void awaitReadyFailsAtOnceWhenTheProcessExits(@TempDir Path home) throws Exception {
        Files.createFile(home.resolve("broken-runner.jar"));
        ApicurioRegistryProcess registry = ApicurioRegistryProcess.launch(home, home);

        assertThatThrownBy(() -> registry.awaitReady(Duration.ofSeconds(90)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining(".log");
    }

    @Test
    void launchFailsWithoutTheDistribution(@TempDir Path empty) {
        assertThatThrownBy(() -> ApicurioRegistryProcess.launch(empty, empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("-runner.jar");
    }
}
