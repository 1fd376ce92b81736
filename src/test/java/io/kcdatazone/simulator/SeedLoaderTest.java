package io.kcdatazone.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeedLoaderTest {

    @Test
    void readsEveryFieldOfAFullSeed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("seed.json");
        Files.writeString(file, """
                {
                  "accountId": "210987654321",
                  "region": "eu-west-1",
                  "domains": [{
                    "id": "dzd-analytics",
                    "name": "Analytics",
                    "projects": [{
                      "id": "marketing",
                      "name": "Marketing",
                      "dataSources": [{
                        "id": "campaigns",
                        "name": "Campaign tables",
                        "type": "REDSHIFT",
                        "database": "dev",
                        "outcomes": ["SUCCESS", "FAILED"],
                        "requestedFor": "PT1S",
                        "runningFor": "PT30S",
                        "assetsPerRun": 6,
                        "errorType": "THROTTLING_EXCEPTION",
                        "errorDetail": "Glue throttled the crawl"
                      }]
                    }]
                  }]
                }
                """);

        Seed seed = SeedLoader.load(file);

        assertThat(seed.accountId()).isEqualTo("210987654321");
        assertThat(seed.region()).isEqualTo("eu-west-1");
        assertThat(seed.domains()).singleElement().satisfies(domain -> {
            assertThat(domain.id()).isEqualTo("dzd-analytics");
            assertThat(domain.name()).isEqualTo("Analytics");
            assertThat(domain.projects()).singleElement().satisfies(project -> {
                assertThat(project.id()).isEqualTo("marketing");
                assertThat(project.name()).isEqualTo("Marketing");
            });
        });
        assertThat(seed.dataSources()).containsExactly(new Seed.DataSource("campaigns", "Campaign tables", "REDSHIFT",
                "dev", List.of(Outcome.SUCCESS, Outcome.FAILED), Duration.ofSeconds(1), Duration.ofSeconds(30), 6,
                "THROTTLING_EXCEPTION", "Glue throttled the crawl"));
    }

    @Test
    void fillsInTheDocumentedDefaults() {
        Seed seed = SeedLoader.parse("""
                {"domains": [{"id": "dzd_min", "projects": [{"id": "p1", "dataSources": [{"id": "ds1"}]}]}]}
                """);

        assertThat(seed.accountId()).isEqualTo("123456789012");
        assertThat(seed.region()).isEqualTo("us-east-1");
        assertThat(seed.domains().get(0).name()).isEqualTo("dzd_min");
        assertThat(seed.dataSources()).containsExactly(new Seed.DataSource("ds1", "ds1", "GLUE", "ds1",
                List.of(Outcome.SUCCESS), Duration.ofSeconds(2), Duration.ofSeconds(5), 10,
                "ACCESS_DENIED_EXCEPTION", "Insufficient permissions to read the data source"));
    }

    @Test
    void theDefaultSeedHasOneDataSourcePerOutcomeInOneProject() {
        Seed seed = Seed.defaultSeed();

        assertThat(seed.domains()).hasSize(1);
        assertThat(seed.domains().get(0).projects()).hasSize(1);
        assertThat(seed.dataSources()).flatExtracting(Seed.DataSource::outcomes)
                .containsExactlyInAnyOrder(Outcome.SUCCESS, Outcome.PARTIALLY_SUCCEEDED, Outcome.FAILED);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"domains\": []}|at least one domain",
        "{\"domains\": [{\"id\": \"analytics\", \"projects\": []}]}|not a DataZone domain id",
        "{\"domains\": [{\"id\": \"dzd_a\", \"projects\": [{\"id\": \"p 1\", \"dataSources\": []}]}]}|not a DataZone id",
        "{\"domains\": [{\"id\": \"dzd_a\", \"projects\": [{\"id\": \"p\", \"dataSources\": [{\"id\": \"d\", "
                + "\"outcomes\": [\"CANCELLED\"]}]}]}]}|CANCELLED",
        "{\"domains\": [{\"id\": \"dzd_a\", \"projects\": [{\"id\": \"p\", \"dataSources\": [{\"id\": \"d\", "
                + "\"runningFor\": \"5s\"}]}]}]}|ISO-8601 duration",
        "{\"domains\": [{\"id\": \"dzd_a\", \"projects\": [{\"id\": \"p\", \"dataSources\": [{\"id\": \"d\", "
                + "\"errorType\": \"OOPS\"}]}]}]}|not a DataSourceErrorType",
        "{\"domains\": [{\"id\": \"dzd_a\", \"projects\": [{\"id\": \"p\", \"dataSources\": [{\"id\": \"d\"}, "
                + "{\"id\": \"d\"}]}]}]}|unique",
        "{\"domains\": [{\"id\": \"dzd_a\", \"projets\": []}]}|unknown field 'projets'",
        "{\"domains\": [|not valid JSON"
    })
    void rejectsABrokenSeedWithAMessageNamingTheProblem(String json, String expected) {
        assertThatThrownBy(() -> SeedLoader.parse(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
    }
}
