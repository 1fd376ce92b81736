package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcdatazone.simulator.OddAnswers.OptionalRunMember;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Renders the simulator's state as the JSON shapes of DataZone's service model. Member names, optionality and
 * timestamp formats follow the model exactly; the model-conformance test holds every response to it. The run shapes
 * follow the {@link OddAnswers} modes a test switched on.
 */
final class Shapes {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String UNKNOWN_MEMBER_VALUE = "a member of a newer service version";

    private final Seed seed;
    private final OddAnswers oddAnswers;

    Shapes(Seed seed, OddAnswers oddAnswers) {
        this.seed = seed;
        this.oddAnswers = oddAnswers;
    }

    /** {@code StartDataSourceRunOutput}: the run fields, with the snapshot and without lineage. */
    ObjectNode startDataSourceRunOutput(Run run, RunState state) {
        ObjectNode node = runFields(run, state).put("domainId", run.domainId());
        if (!oddAnswers.omits(OptionalRunMember.DATA_SOURCE_CONFIGURATION_SNAPSHOT)) {
            node.put("dataSourceConfigurationSnapshot", run.configurationSnapshot());
        }
        return node;
    }

    /** {@code GetDataSourceRunOutput}: as Start's output, plus the lineage summary Start's output lacks. */
    ObjectNode getDataSourceRunOutput(Run run, RunState state) {
        return withLineageSummary(startDataSourceRunOutput(run, state), state);
    }

    /** {@code ListDataSourceRunsOutput}: {@code DataSourceRunSummary} items, without domainId or snapshot. */
    ObjectNode listDataSourceRunsOutput(Pagination.Page<RunStore.RunSnapshot> page) {
        ObjectNode output = ListOutput.of(page, snapshot -> withLineageSummary(runFields(snapshot.run(),
                snapshot.state()), snapshot.state()));
        if (oddAnswers.unknownMembers()) {
            output.put(OddAnswers.UNKNOWN_MEMBER, UNKNOWN_MEMBER_VALUE);
        }
        return output;
    }

    /** {@code DataSourceRunActivity} for one asset of a finished run. */
    ObjectNode dataSourceRunActivity(Run run, RunState state, ActivityRecord activity) {
        ObjectNode node = JSON.objectNode()
                .put("dataSourceRunId", run.id())
                .put("projectId", run.projectId())
                .put("database", activity.database())
                .put("technicalName", activity.technicalName())
                .put("dataAssetStatus", activity.status().name())
                .put("createdAt", iso(activity.createdAt()))
                .put("updatedAt", iso(state.updatedAt()));
        activity.dataAssetId().ifPresent(id -> node.put("dataAssetId", id));
        activity.error().ifPresent(error -> node.set("errorMessage", errorMessage(error)));
        state.lineage().flatMap(activity::lineageEvent).ifPresent(event -> {
            ObjectNode lineage = node.putObject("lineageSummary").put("eventId", event.eventId())
                    .put("eventStatus", event.eventStatus());
            event.errorMessage().ifPresent(message -> lineage.put("errorMessage", message));
        });
        return node;
    }

    /** {@code GetDataSourceOutput}. */
    ObjectNode getDataSourceOutput(Catalog.DataSourceEntry entry, RunStore.DataSourceState state, Instant created) {
        Seed.DataSource dataSource = entry.dataSource();
        ObjectNode node = JSON.objectNode()
                .put("id", dataSource.id())
                .put("domainId", entry.domain().id())
                .put("projectId", entry.project().id())
                .put("name", dataSource.name())
                .put("type", dataSource.type())
                .put("status", state.status())
                .put("enableSetting", "ENABLED")
                .put("publishOnImport", false)
                .put("createdAt", iso(created));
        DataSourceConfiguration.of(dataSource, seed).ifPresent(configuration -> node.set("configuration",
                configuration));
        lastRunFields(node, state, created);
        return node;
    }

    /** {@code DataSourceSummary}: note {@code dataSourceId}, not {@code id}. */
    ObjectNode dataSourceSummary(Catalog.DataSourceEntry entry, RunStore.DataSourceState state, Instant created) {
        ObjectNode node = JSON.objectNode()
                .put("dataSourceId", entry.id())
                .put("domainId", entry.domain().id())
                .put("name", entry.dataSource().name())
                .put("type", entry.dataSource().type())
                .put("status", state.status())
                .put("enableSetting", "ENABLED")
                .put("createdAt", iso(created));
        lastRunFields(node, state, created);
        return node;
    }

    /** {@code GetDomainOutput}; its timestamps are epoch-second numbers, unlike every other shape here. */
    ObjectNode getDomainOutput(Seed.Domain domain, Instant created) {
        String accountArn = "arn:aws:datazone:" + seed.region() + ":" + seed.accountId();
        return JSON.objectNode()
                .put("id", domain.id())
                .put("name", domain.name())
                .put("arn", accountArn + ":domain/" + domain.id())
                .put("domainExecutionRole",
                        "arn:aws:iam::" + seed.accountId() + ":role/service-role/AmazonDataZoneDomainExecution")
                .put("status", "AVAILABLE")
                .put("domainVersion", "V1")
                .put("portalUrl", "https://" + domain.id() + ".datazone." + seed.region() + ".on.aws")
                .put("createdAt", epochSeconds(created))
                .put("lastUpdatedAt", epochSeconds(created));
    }

    /** The body of every error: just {@code message}, the only member the error shapes define. */
    ObjectNode error(String message) {
        return JSON.objectNode().put("message", message);
    }

    private ObjectNode runFields(Run run, RunState state) {
        UnaryOperator<Instant> reported = oddAnswers.nextTimestampRenderer();
        ObjectNode node = JSON.objectNode()
                .put("id", run.id())
                .put("dataSourceId", run.dataSourceId())
                .put("projectId", run.projectId())
                .put("status", state.status())
                .put("type", run.type().name())
                .put("createdAt", iso(reported.apply(run.createdAt())))
                .put("updatedAt", iso(reported.apply(state.updatedAt())));
        if (!oddAnswers.omits(OptionalRunMember.STARTED_AT)) {
            state.startedAt().ifPresent(at -> node.put("startedAt", iso(reported.apply(at))));
        }
        if (!oddAnswers.omits(OptionalRunMember.STOPPED_AT)) {
            state.stoppedAt().ifPresent(at -> node.put("stoppedAt", iso(reported.apply(at))));
        }
        if (!oddAnswers.omits(OptionalRunMember.RUN_STATISTICS_FOR_ASSETS)) {
            state.statistics().ifPresent(statistics -> node.set("runStatisticsForAssets", runStatistics(statistics)));
        }
        if (!oddAnswers.omits(OptionalRunMember.ERROR_MESSAGE)) {
            state.error().ifPresent(error -> node.set("errorMessage", runErrorMessage(error)));
        }
        if (oddAnswers.unknownMembers()) {
            node.put(OddAnswers.UNKNOWN_MEMBER, UNKNOWN_MEMBER_VALUE);
            node.putObject(OddAnswers.UNKNOWN_STRUCTURE).put("nested", true).putArray("items").add(1).add("two");
        }
        return node;
    }

    /** The {@code lineageSummary} of GetDataSourceRun and DataSourceRunSummary, for a run that imports lineage. */
    private ObjectNode withLineageSummary(ObjectNode node, RunState state) {
        if (!oddAnswers.omits(OptionalRunMember.LINEAGE_SUMMARY)) {
            state.lineage().ifPresent(status -> node.putObject("lineageSummary").put("importStatus", status.name()));
        }
        return node;
    }

    /** A run's {@code runStatisticsForAssets}, shaped by the odd-answer modes. */
    private ObjectNode runStatistics(RunStatistics statistics) {
        ObjectNode node = JSON.objectNode()
                .put("added", statistics.added())
                .put("updated", statistics.updated())
                .put("unchanged", statistics.unchanged())
                .put("skipped", statistics.skipped())
                .put("failed", statistics.failed());
        if (oddAnswers.unknownMembers()) {
            node.put(OddAnswers.UNKNOWN_STATISTIC, 0);
        }
        return node;
    }

    /** A run's {@code errorMessage}, shaped by the odd-answer modes. */
    private ObjectNode runErrorMessage(RunError error) {
        ObjectNode node = JSON.objectNode().put("errorType", error.errorType());
        if (!oddAnswers.omits(OptionalRunMember.ERROR_DETAIL)) {
            node.put("errorDetail", error.errorDetail());
        }
        if (oddAnswers.unknownMembers()) {
            node.put(OddAnswers.UNKNOWN_ERROR_MEMBER, "E-1");
        }
        return node;
    }

    private void lastRunFields(ObjectNode node, RunStore.DataSourceState state, Instant created) {
        Optional<RunStore.RunSnapshot> lastRun = state.lastRun();
        node.put("updatedAt", iso(lastRun.map(snapshot -> snapshot.state().updatedAt()).orElse(created)));
        lastRun.ifPresent(snapshot -> {
            node.put("lastRunStatus", snapshot.state().status())
                    .put("lastRunAt", iso(snapshot.run().createdAt()));
            snapshot.state().statistics().ifPresent(statistics ->
                    node.put("lastRunAssetCount", statistics.catalogued()));
            snapshot.state().error().ifPresent(error -> node.set("lastRunErrorMessage", errorMessage(error)));
        });
    }

    private static ObjectNode errorMessage(RunError error) {
        return JSON.objectNode().put("errorType", error.errorType()).put("errorDetail", error.errorDetail());
    }

    /** ISO-8601 in UTC with {@code Z}, the format of the model's {@code DateTime} shape. */
    private static String iso(Instant instant) {
        return instant.toString();
    }

    /** restJson1's default timestamp format: seconds since the epoch, fractional when needed. */
    private static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano(), 9))
                .stripTrailingZeros();
    }
}
