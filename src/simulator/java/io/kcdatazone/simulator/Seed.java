package io.kcdatazone.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the simulator's account holds when it starts: domains, their projects and the projects' data sources, with
 * the behaviour of each data source's runs. Read from JSON by {@link SeedLoader}; the format is documented in
 * {@code src/simulator/README.md}.
 *
 * @param accountId the AWS account id used in ARNs
 * @param region the region used in ARNs and the portal URL
 * @param domains the domains, at least one
 */
public record Seed(String accountId, String region, List<Domain> domains) {

    private static final Pattern DOMAIN_ID = Pattern.compile("^dzd[-_][a-zA-Z0-9_-]{1,36}$");
    private static final Pattern RESOURCE_ID = Pattern.compile("^[a-zA-Z0-9_-]{1,36}$");
    private static final Pattern ACCOUNT_ID = Pattern.compile("^\\d{12}$");

    public Seed {
        Objects.requireNonNull(region, "region");
        require(ACCOUNT_ID.matcher(accountId).matches(), "accountId must be 12 digits, got '" + accountId + "'");
        domains = List.copyOf(domains);
        require(!domains.isEmpty(), "a seed needs at least one domain");
        require(domains.stream().map(Domain::id).distinct().count() == domains.size(), "domain ids must be unique");
        List<DataSource> dataSources = dataSourcesOf(domains);
        require(dataSources.stream().map(DataSource::id).distinct().count() == dataSources.size(),
                "data source ids must be unique across the seed");
    }

    /** Every data source of every project of every domain, in seed order. */
    public List<DataSource> dataSources() {
        return dataSourcesOf(domains);
    }

    private static List<DataSource> dataSourcesOf(List<Domain> domains) {
        return domains.stream().flatMap(d -> d.projects().stream()).flatMap(p -> p.dataSources().stream()).toList();
    }

    /**
     * The seed the simulator uses when none is given: one domain with one project and three Glue/Redshift data
     * sources whose runs succeed, partially succeed and fail.
     */
    public static Seed defaultSeed() {
        Duration requested = Duration.ofSeconds(2);
        Duration running = Duration.ofSeconds(5);
        return new Seed("123456789012", "us-east-1", List.of(new Domain("dzd_demo", "Demo domain", List.of(
                new Project("demo_project", "Demo project", List.of(
                        new DataSource("sales_glue", "Sales (Glue)", "GLUE", "sales_db",
                                List.of(Outcome.SUCCESS), requested, running, 12,
                                "ACCESS_DENIED_EXCEPTION", "Insufficient Lake Formation permissions"),
                        new DataSource("orders_glue", "Orders (Glue)", "GLUE", "orders_db",
                                List.of(Outcome.PARTIALLY_SUCCEEDED), requested, running, 8,
                                "ACCESS_DENIED_EXCEPTION", "Insufficient Lake Formation permissions on some tables"),
                        new DataSource("legacy_redshift", "Legacy warehouse (Redshift)", "REDSHIFT", "dev",
                                List.of(Outcome.FAILED), requested, running, 4,
                                "RESOURCE_NOT_FOUND_EXCEPTION", "Redshift workgroup legacy does not exist")))))));
    }

    /**
     * A DataZone domain.
     *
     * @param id the domain id, matching {@code ^dzd[-_][a-zA-Z0-9_-]{1,36}$}
     * @param name the display name
     * @param projects the domain's projects
     */
    public record Domain(String id, String name, List<Project> projects) {
        public Domain {
            require(id != null && DOMAIN_ID.matcher(id).matches(), "domain id '" + id + "' is not a DataZone domain id");
            Objects.requireNonNull(name, "domain name");
            projects = List.copyOf(projects);
        }
    }

    /**
     * A project of a domain.
     *
     * @param id the project id, matching {@code ^[a-zA-Z0-9_-]{1,36}$}
     * @param name the display name
     * @param dataSources the project's data sources
     */
    public record Project(String id, String name, List<DataSource> dataSources) {
        public Project {
            require(id != null && RESOURCE_ID.matcher(id).matches(), "project id '" + id + "' is not a DataZone id");
            Objects.requireNonNull(name, "project name");
            dataSources = List.copyOf(dataSources);
        }
    }

    /**
     * A data source and how its runs behave.
     *
     * @param id the data source id, matching {@code ^[a-zA-Z0-9_-]{1,36}$}
     * @param name the display name
     * @param type the data source type, e.g. {@code GLUE} or {@code REDSHIFT}
     * @param database the database the data source harvests (named in its configuration and the run activities)
     * @param outcomes the terminal statuses of successive runs, used in turn and cycled
     * @param requestedFor how long a run stays REQUESTED
     * @param runningFor how long a run stays RUNNING
     * @param assetsPerRun how many assets each run touches (at least 2, so a partial success has successes)
     * @param errorType the {@code DataSourceErrorType} reported by failed and partially successful runs
     * @param errorDetail the error detail reported by failed and partially successful runs
     */
    public record DataSource(String id, String name, String type, String database, List<Outcome> outcomes,
            Duration requestedFor, Duration runningFor, int assetsPerRun, String errorType, String errorDetail) {
        public DataSource {
            require(id != null && RESOURCE_ID.matcher(id).matches(), "data source id '" + id + "' is not a DataZone id");
            require(name != null && !name.isEmpty() && name.length() <= 256, "data source name must be 1..256 chars");
            require(type != null && !type.isEmpty() && type.length() <= 256, "data source type must be 1..256 chars");
            require(database != null && !database.isEmpty() && database.length() <= 128,
                    "database must be 1..128 chars");
            outcomes = List.copyOf(outcomes);
            require(!outcomes.isEmpty(), "data source " + id + " needs at least one outcome");
            require(!requestedFor.isNegative() && !runningFor.isNegative(), "durations must not be negative");
            require(assetsPerRun >= 2, "assetsPerRun must be at least 2");
            require(ModelEnums.DATA_SOURCE_ERROR_TYPE.contains(errorType), "errorType '" + errorType + "' is not a DataSourceErrorType");
            Objects.requireNonNull(errorDetail, "errorDetail");
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
