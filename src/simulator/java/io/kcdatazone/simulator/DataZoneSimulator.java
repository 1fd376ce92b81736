package io.kcdatazone.simulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Amazon DataZone stand-in on 127.0.0.1 that speaks the data-source-run API's REST-JSON protocol, for the tests,
 * the demo and standalone use. Start it, point the AWS SDK's {@code endpointOverride} at {@link #endpoint()}, and
 * steer it through {@link #faults()}, {@link #oddAnswers()}, {@link #outsideRuns()}, {@link #introspection()} and the
 * clock passed in its options. Thread-safe.
 */
public final class DataZoneSimulator implements AutoCloseable {
    /** Seeded resources were created this long before the simulator started. */
    private static final Duration CATALOG_AGE = Duration.ofDays(30);
    /**
     * Simulated latency holds a worker thread for the whole call, so the pool bounds the concurrency the simulator can
     * serve: sized above the sink's largest benchmarked in-flight count (128), or it would measure itself.
     */
    private static final int WORKER_THREADS = 256;
    private static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final HttpServer server;
    private final ExecutorService workers;
    private final Seed seed;
    private final Clock clock;
    private final Faults faults;
    private final OddAnswers oddAnswers;
    private final Introspection introspection;
    private final OutsideRuns outsideRuns;

    private DataZoneSimulator(SimulatorOptions options) throws IOException {
        this.seed = options.seed();
        this.clock = options.clock();
        Catalog catalog = new Catalog(seed, clock.instant().minus(CATALOG_AGE).truncatedTo(ChronoUnit.SECONDS));
        RunStore runs = new RunStore(clock, options.runLimits(), new RunFactory(seed, options.randomSeed()));
        this.oddAnswers = new OddAnswers();
        Shapes shapes = new Shapes(seed, oddAnswers);
        Account account = new Account(catalog, runs, clock, shapes, oddAnswers);
        CallLog callLog = new CallLog();
        this.faults = new Faults(catalog, runs, options.randomSeed());
        this.introspection = new Introspection(callLog, runs, clock);
        this.outsideRuns = new OutsideRuns(catalog, runs);

        Map<Operation, OperationHandler> handlers = new EnumMap<>(Operation.class);
        handlers.put(Operation.START_DATA_SOURCE_RUN, new StartDataSourceRunHandler(account));
        handlers.put(Operation.GET_DATA_SOURCE_RUN, new GetDataSourceRunHandler(account));
        handlers.put(Operation.LIST_DATA_SOURCE_RUNS, new ListDataSourceRunsHandler(account));
        handlers.put(Operation.LIST_DATA_SOURCE_RUN_ACTIVITIES, new ListDataSourceRunActivitiesHandler(account));
        handlers.put(Operation.GET_DATA_SOURCE, new GetDataSourceHandler(account));
        handlers.put(Operation.LIST_DATA_SOURCES, new ListDataSourcesHandler(account));
        handlers.put(Operation.GET_DOMAIN, new GetDomainHandler(account));

        enableTcpNoDelay();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 0);
        this.workers = Executors.newFixedThreadPool(WORKER_THREADS, daemonThreads());
        server.setExecutor(workers);
        server.createContext("/", new SimulatorHttpHandler(handlers, shapes, options.latencyModel(), faults,
                new RateLimiter(options.rateLimits(), clock), callLog));
        server.start();
    }

    /** Starts a simulator; it serves until {@link #close()}. */
    public static DataZoneSimulator start(SimulatorOptions options) {
        try {
            return new DataZoneSimulator(options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the DataZone simulator", e);
        }
    }

    /** The base URI to hand to the SDK's {@code endpointOverride}, e.g. {@code http://127.0.0.1:49152}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The seeded account content. */
    public Seed seed() {
        return seed;
    }

    /** The clock that drives run lifecycles, daily quotas and rate limits. */
    public Clock clock() {
        return clock;
    }

    /** Fault injection. */
    public Faults faults() {
        return faults;
    }

    /** Odd but legal ways of answering, off until a test switches them on. */
    public OddAnswers oddAnswers() {
        return oddAnswers;
    }

    /** Runs started outside the connector: by a schedule, or from the console. */
    public OutsideRuns outsideRuns() {
        return outsideRuns;
    }

    /** What the simulator received and did. */
    public Introspection introspection() {
        return introspection;
    }

    /** Stops serving at once; calls in flight are cut off. */
    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    /**
     * The JDK server writes a response's headers and body separately; with Nagle's algorithm on, the body then waits
     * for the client's delayed ACK (about 40 ms per call on Linux). The JDK reads this switch once, when its first
     * server starts, so it is set before that unless the JVM was started with an explicit choice.
     */
    private static void enableTcpNoDelay() {
        if (System.getProperty(NO_DELAY_PROPERTY) == null) {
            System.setProperty(NO_DELAY_PROPERTY, "true");
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "datazone-simulator-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
