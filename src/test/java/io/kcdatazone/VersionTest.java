package io.kcdatazone;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void isTheProjectVersionMavenFilteredIntoTheResource() {
        assertThat(Version.current())
                .isNotEqualTo(Version.UNKNOWN)
                .doesNotContain("${")
                .matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
}
