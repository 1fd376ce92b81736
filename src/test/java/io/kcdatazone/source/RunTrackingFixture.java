package io.kcdatazone.source;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.ProgressMark;
import io.kcdatazone.ledger.RequestCoordinates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Time;

/**
 * A source task's run-tracking state fed by hand, for benchmarks outside this package: runs start (one ledger entry
 * each, its result acknowledged at once), change status and end, and the fixture says what the offsets of their events
 * weigh and how many source partitions they use.
 */
public final class RunTrackingFixture {

    private static final String LEDGER = "ledger";
    private static final String REQUESTS = "datazone-run-requests";
    private static final String DOMAIN = "dzd_demo";
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    /** Request offsets start high, so they are written with as many digits after 100 runs as after 10,000. */
    private static final long FIRST_REQUEST_OFFSET = 1_000_000;
    /**
     * Requests between two progress marks of the sink (10 s of commit interval at 10 requests/s): a result event's
     * offset remembers the results since the last mark, so it weighs the same after any multiple of this many runs.
     */
    private static final int MARK_EVERY = 100;

    private final RunTracker tracker;
    private int started;
    private long nextEntry;
    private Map<String, Object> lastResultOffset;
    private Map<String, Object> lastStatusOffset;
    private int largestSlot = -1;

    private RunTrackingFixture(int maxTrackedRuns) {
        tracker = RunTracker.restore(LEDGER, List.of(0), maxTrackedRuns, Long.MAX_VALUE / 2,
                partitions -> Map.of(), Time.SYSTEM);
    }

    /** A task with nothing stored yet, following at most {@code maxTrackedRuns} runs. */
    public static RunTrackingFixture start(int maxTrackedRuns) {
        return new RunTrackingFixture(maxTrackedRuns);
    }

    /** Starts {@code count} runs, REQUESTED, each of its own data source out of {@code dataSources}. */
    public void startRuns(int count, int dataSources) {
        for (int i = 0; i < count; i++) {
            int request = started++;
            String runId = String.format("run%030d", request);
            RunSnapshot run = new RunSnapshot(runId, DOMAIN, "ds_" + request % dataSources, "project", "REQUESTED",
                    "PRIORITIZED", NOW, null, null, NOW, null, null, null);
            LedgerEntry entry = LedgerEntry.started(new RequestCoordinates(REQUESTS, request % 6,
                    FIRST_REQUEST_OFFSET + request / 6),
                    "request-key-" + request, run, null, NOW);
            RunTracker.Offer offer = tracker.offer(0, nextEntry++, entry, "result-" + request);
            if (offer.heldBack()) {
                throw new IllegalStateException("no room for run " + request);
            }
            lastResultOffset = offer.result().sourceOffset();
            tracker.acknowledged(offer.result());
            if (request % MARK_EVERY == MARK_EVERY - 1) { // the sink's progress marks, at each of its offset commits
                List<ProgressMark.Below> marks = new ArrayList<>();
                for (int partition = 0; partition < 6; partition++) {
                    // Every request of the partition so far: those of requests 0 to this one that fell to it.
                    long written = request < partition ? 0 : (request - partition) / 6 + 1;
                    marks.add(new ProgressMark.Below(REQUESTS, partition, FIRST_REQUEST_OFFSET + written));
                }
                tracker.offer(0, nextEntry++, ProgressMark.of(marks, NOW), null);
            }
        }
    }

    /** Moves the oldest {@code count} runs still followed to {@code status}, ending them when it is terminal. */
    public void publishStatus(int count, String status) {
        List<FollowedRun> runs = new ArrayList<>(tracker.runs());
        for (FollowedRun followed : runs.subList(0, Math.min(count, runs.size()))) {
            RunSnapshot snapshot = new RunSnapshot(followed.runId(), DOMAIN, followed.run().dataSourceId(),
                    "project", status, "PRIORITIZED", NOW, NOW, RunLifecycle.isKnown(status)
                    && !"RUNNING".equals(status) ? NOW : null, NOW, null, null, null);
            DataSourceRef dataSource = followed.run().dataSource();
            for (Emission emission : tracker.observe(dataSource,
                    Map.of(followed.runId(), RunObservation.of(snapshot))).emissions()) {
                lastStatusOffset = emission.sourceOffset();
                Object slot = emission.sourcePartition().get(SlotOffset.SLOT_KEY);
                largestSlot = Math.max(largestSlot, slot == null ? -1 : (Integer) slot);
                tracker.acknowledged(emission);
            }
        }
    }

    public int followed() {
        return tracker.trackedRunCount();
    }

    /** What the last result event's offset weighs: its values as text, as Connect's JSON converter writes them. */
    public int lastResultOffsetBytes() {
        return bytes(lastResultOffset);
    }

    /** What the last status event's offset weighs. */
    public int lastStatusOffsetBytes() {
        return bytes(lastStatusOffset);
    }

    /** How many run slots (source partitions besides the ledger partition's own) the events used. */
    public int slotsUsed() {
        return largestSlot + 1;
    }

    private static int bytes(Map<String, Object> offset) {
        return offset == null ? 0 : OffsetFields.toJson(offset).length();
    }
}
