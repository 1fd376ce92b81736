package io.kcdatazone.simulator;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Every call received, in the order their answers were decided. Thread-safe. */
final class CallLog {
    private final ConcurrentLinkedQueue<RecordedCall> calls = new ConcurrentLinkedQueue<>();

    void record(RecordedCall call) {
        calls.add(call);
    }

    List<RecordedCall> calls() {
        return List.copyOf(calls);
    }
}
