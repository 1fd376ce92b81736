package io.kcdatazone.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/** Configuration of the sink connector: the DataZone connection, the ledger, and how requests become calls. */
public final class DataSourceRunSinkConfig extends DataZoneConnectorConfig {

    public static final String REQUESTS_GROUP = "Requests";
    public static final String RETRY_GROUP = "Retries";
    public static final String CONTEXT_GROUP = "Request context";

    public static final String DEFAULT_DOMAIN = "datazone.domain.identifier";
    public static final String MAX_IN_FLIGHT = "max.in.flight.requests";
    public static final String REQUESTS_PER_SECOND = "datazone.requests.per.second";
    public static final String MAX_BUFFERED_RECORDS = "max.buffered.records";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String RETRY_TIMEOUT_MS = "retry.timeout.ms";
    public static final String ON_CONFLICT = "on.conflict";
    public static final String CONTEXT_HEADERS = "request.context.headers";
    public static final String CONTEXT_MAX_BYTES = "request.context.max.bytes";
    /** The prefix of the routing headers the source sets: no context entry may take one of their names. */
    public static final String RESERVED_HEADER_PREFIX = "datazone.";
    /** Bounds the context each run's source offset carries (offset bytes per event stay flat in the runs followed). */
    public static final int CONTEXT_MAX_BYTES_LIMIT = 8192;

    /**
     * Set by the connector on each task: its share of {@value #REQUESTS_PER_SECOND} until it knows how many request
     * partitions it holds (an equal split by {@code tasks.max}).
     */
    public static final String TASK_REQUESTS_PER_SECOND = "task.datazone.requests.per.second";
    /** Connect's own setting, read to decide whether a malformed record goes to the dead letter queue. */
    public static final String ERRORS_TOLERANCE = "errors.tolerance";

    public static final ConfigDef CONFIG_DEF = configDef();

    /** What to do when DataZone says a run of the data source is already in progress ({@value #ON_CONFLICT}). */
    public enum ConflictPolicy {
        RETRY,
        FAIL
    }

    public DataSourceRunSinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef configDef() {
        ConfigDef def = sharedDefinition();
        int order = 0;
        def.define(DEFAULT_DOMAIN, Type.STRING, null, Importance.MEDIUM,
                        "Domain of requests that name no domainIdentifier (a DomainId such as dzd_abc123).",
                        REQUESTS_GROUP, ++order, Width.MEDIUM, "Default domain")
                .define(MAX_IN_FLIGHT, Type.INT, 32, Range.between(1, 1024), Importance.MEDIUM,
                        "Most StartDataSourceRun calls one task has waiting for DataZone at once. Throughput is"
                                + " at most this number divided by the call latency.",
                        REQUESTS_GROUP, ++order, Width.SHORT, "Max in-flight calls per task")
                .define(REQUESTS_PER_SECOND, Type.DOUBLE, 10.0, Importance.MEDIUM,
                        "StartDataSourceRun calls per second for the whole connector, shared among its tasks in"
                                + " proportion to the request partitions each holds; 0 or less means no limit. Keep"
                                + " it below the account's DataZone quota; when DataZone throttles anyway, tasks slow"
                                + " down on their own and recover.",
                        REQUESTS_GROUP, ++order, Width.SHORT, "Request rate (connector)")
                .define(MAX_BUFFERED_RECORDS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                        "Records a task holds whose outcome is not yet in the ledger (waiting, in flight or"
                                + " retrying). Beyond it the task pauses its partitions until half are done; this"
                                + " bounds memory.",
                        REQUESTS_GROUP, ++order, Width.SHORT, "Max buffered records per task")
                .define(RETRY_BACKOFF_MS, Type.LONG, 1_000L, Range.atLeast(1), Importance.LOW,
                        "First retry delay ceiling for throttling, server errors, timeouts and (with"
                                + " on.conflict=retry) conflicts. Each retry doubles the ceiling up to"
                                + " retry.backoff.max.ms; the delay is random below it (full jitter).",
                        RETRY_GROUP, 1, Width.SHORT, "Retry backoff")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 60_000L, Range.atLeast(1), Importance.LOW,
                        "Largest retry delay ceiling; not below retry.backoff.ms.",
                        RETRY_GROUP, 2, Width.SHORT, "Max retry backoff")
                .define(RETRY_TIMEOUT_MS, Type.LONG, 30L * 60 * 1000, Range.atLeast(0), Importance.MEDIUM,
                        "How long a request keeps being retried, counted from its first attempt. Then it ends as"
                                + " RUN_START_FAILED with the last error. The count of attempts is not limited.",
                        RETRY_GROUP, 3, Width.SHORT, "Retry timeout")
                .define(ON_CONFLICT, Type.STRING, "retry", ConfigDef.CaseInsensitiveValidString.in("retry", "fail"),
                        Importance.MEDIUM,
                        "What to do when DataZone answers ConflictException (a run of that data source is in"
                                + " progress): 'retry' until retry.timeout.ms, or 'fail' at once with"
                                + " RUN_START_FAILED / CONFLICT_EXCEPTION.",
                        RETRY_GROUP, 4, Width.SHORT, "On conflict")
                .define(CONTEXT_HEADERS, Type.LIST, "traceparent,tracestate", new ContextHeaderNames(),
                        Importance.LOW,
                        "Request headers (exact names) copied into the request's context, which comes back on"
                                + " every event of the request and its run, as a record header and in the event's"
                                + " 'context' field. A header name is never copied, even when listed here, if it is"
                                + " authorization, proxy-authorization, cookie, set-cookie, x-amz-security-token,"
                                + " x-amz-credential, x-api-key, api-key, api_key, apikey, password, passwd, secret,"
                                + " client_secret, access_token, refresh_token or id_token, or contains token, secret,"
                                + " password, passwd, credential, api-key, api_key, apikey, auth, cookie or session"
                                + " (ignoring case; the task logs a WARN at start naming those it leaves out). The"
                                + " request value's 'context' keys are refused only when they are exactly one of the"
                                + " names above (ignoring case): 'taskToken' or 'session_id' pass. Empty: no header"
                                + " is copied.",
                        CONTEXT_GROUP, 1, Width.LONG, "Context headers")
                .define(CONTEXT_MAX_BYTES, Type.INT, 2048, Range.between(0, CONTEXT_MAX_BYTES_LIMIT),
                        Importance.LOW,
                        "Largest context of one request, in bytes of its UTF-8 JSON form (names, values, quotes"
                                + " and escapes: headers and the request value's 'context' object together). Headers"
                                + " over it are left out, not failed: tracestate first, then the other headers from"
                                + " the last listed, traceparent last (a throttled WARN says which). A request whose"
                                + " value's 'context' takes it over ends as RUN_START_FAILED / VALIDATION_EXCEPTION."
                                + " 0 carries no context at all: headers and the value's 'context' are ignored. The"
                                + " source stores each followed run's context in its offsets, so this also bounds"
                                + " the offset bytes per event.",
                        CONTEXT_GROUP, 2, Width.SHORT, "Max context bytes")
                .defineInternal(TASK_REQUESTS_PER_SECOND, Type.DOUBLE, null, Importance.LOW)
                .defineInternal(ERRORS_TOLERANCE, Type.STRING, "none", Importance.LOW);
        return def;
    }

    @Override
    protected Map<String, List<String>> connectorProblems() {
        if (getLong(RETRY_BACKOFF_MAX_MS) < getLong(RETRY_BACKOFF_MS)) {
            return Map.of(RETRY_BACKOFF_MAX_MS, List.of(RETRY_BACKOFF_MAX_MS + " must not be below "
                    + RETRY_BACKOFF_MS + " (" + getLong(RETRY_BACKOFF_MS) + ")."));
        }
        return Map.of();
    }

    /** Refuses the names of the source's routing headers; says so in the generated configuration reference. */
    private static final class ContextHeaderNames implements ConfigDef.Validator {

        @Override
        public void ensureValid(String name, Object value) {
            for (Object header : (List<?>) value) {
                if (header.toString().startsWith(RESERVED_HEADER_PREFIX)) {
                    throw new ConfigException(name, value, "header names starting with '" + RESERVED_HEADER_PREFIX
                            + "' are the source's routing headers and cannot be carried as context");
                }
            }
        }

        @Override
        public String toString() {
            return "header names, none starting with '" + RESERVED_HEADER_PREFIX + "'";
        }
    }

    public String defaultDomainId() {
        return getString(DEFAULT_DOMAIN);
    }

    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT);
    }

    /** This task's first rate budget: its share when the connector set one, else the whole budget. */
    public double taskRequestsPerSecond() {
        Double share = getDouble(TASK_REQUESTS_PER_SECOND);
        return share != null ? share : getDouble(REQUESTS_PER_SECOND);
    }

    public double connectorRequestsPerSecond() {
        return getDouble(REQUESTS_PER_SECOND);
    }

    public int maxBufferedRecords() {
        return getInt(MAX_BUFFERED_RECORDS);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    public long retryBackoffMaxMs() {
        return getLong(RETRY_BACKOFF_MAX_MS);
    }

    /**
     * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"), the AWS SDK's
     * own: the retry before attempt n (n &gt;= 2, as the SDK counts attempts) waits a uniformly random time below
     * {@code min(retry.backoff.max.ms, retry.backoff.ms * 2^(n-2))}, so retries of many requests spread out instead of
     * arriving at DataZone in waves.
     */
    public BackoffStrategy retryBackoff() {
        return BackoffStrategy.exponentialDelay(Duration.ofMillis(retryBackoffMs()),
                Duration.ofMillis(retryBackoffMaxMs()));
    }

    public long retryTimeoutMs() {
        return getLong(RETRY_TIMEOUT_MS);
    }

    /** The request headers to carry as context, as configured (credential-looking ones still to be left out). */
    public List<String> contextHeaders() {
        return getList(CONTEXT_HEADERS);
    }

    public int contextMaxBytes() {
        return getInt(CONTEXT_MAX_BYTES);
    }

    public ConflictPolicy onConflict() {
        return ConflictPolicy.valueOf(getString(ON_CONFLICT).toUpperCase(Locale.ROOT));
    }

    /** Whether Connect tolerates bad records, so malformed requests may go to the dead letter queue. */
    public boolean toleratesErrors() {
        return "all".equalsIgnoreCase(getString(ERRORS_TOLERANCE));
    }
}
