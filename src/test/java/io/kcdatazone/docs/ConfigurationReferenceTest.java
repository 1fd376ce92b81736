package io.kcdatazone.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.config.DataSourceRunSinkConfig;
import io.kcdatazone.config.DataSourceRunSourceConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

class ConfigurationReferenceTest {

    @Test
    void committedReferenceIsUpToDate() throws IOException {
        String committed = Files.readString(Path.of(ConfigurationReference.FILE), StandardCharsets.UTF_8);

        assertThat(committed)
                .as(ConfigurationReference.FILE + " is stale: run `mvn -q -Pdocs process-test-classes` and commit it")
                .isEqualTo(ConfigurationReference.render());
    }

    @Test
    void everyPublicSettingOfBothConnectorsIsDocumented() {
        String reference = ConfigurationReference.render();

        DataSourceRunSinkConfig.CONFIG_DEF.configKeys().values().stream().filter(key -> !key.internalConfig)
                .forEach(key -> assertThat(reference).contains("#### `" + key.name + "`"));
        DataSourceRunSourceConfig.CONFIG_DEF.configKeys().values().stream().filter(key -> !key.internalConfig)
                .forEach(key -> assertThat(reference).contains("#### `" + key.name + "`"));
        assertThat(reference).doesNotContain("#### `" + DataSourceRunSinkConfig.TASK_REQUESTS_PER_SECOND + "`")
                .doesNotContain("#### `" + DataSourceRunSourceConfig.TASK_LEDGER_PARTITIONS + "`")
                .doesNotContain("#### `" + DataSourceRunSourceConfig.TASK_STATUS_REQUESTS_PER_SECOND + "`");
    }
}
