package io.kcdatazone.bench;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.RunStatistics;
import io.kcdatazone.event.DataSourceRunEventSchema;
import io.kcdatazone.event.DataSourceRunEvents;
import io.kcdatazone.ledger.LedgerCodec;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.sink.ClientTokens;
import io.kcdatazone.sink.RunRequestParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/**
 * CPU per request through the sink's hot paths and per event through the source's, measured as the CPU time of the
 * measuring thread ({@link ThreadMXBean}) over many items after a warm-up that lets the JIT compile them: the cost of
 * our code, apart from the AWS SDK call and the Kafka clients. Wall time would count the other builds and helpers
 * sharing the machine; thread CPU time does not (apart from cache effects).
 *
 * <p>The Avro step is the conversion the registry converter does for each event (Connect struct to Avro record,
 * binary encoding); the registry lookup it adds is cached after the first event of a schema, so it is left out.
 */
class CpuBenchmark {

    private static final int REPETITIONS = 5;
    private static final int WARM_UP_ITEMS = 200_000;
    private static final int ITEMS = 100_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final RunRequestParser parser = new RunRequestParser(null);
    private final DataSourceRunEvents events = new DataSourceRunEvents(false);
    private final AvroData avroData = new AvroData(100);
    private final Schema avroSchema = avroData.fromConnectSchema(DataSourceRunEventSchema.SCHEMA);
    private final GenericDatumWriter<Object> avroWriter = new GenericDatumWriter<>(avroSchema);
    private final ByteArrayOutputStream avroBytes = new ByteArrayOutputStream(1024);
    private BinaryEncoder avroEncoder;
    /** Where each item's result goes, so the JIT cannot drop the work as unused. */
    private volatile Object lastResult;

    @Test
    void cpuPerRequestAndPerEvent() throws Exception {
        BenchmarkReport report = new BenchmarkReport("cpu", List.of("path", "what it does",
                "CPU us per item median (min..max)"));
        List<byte[]> ledgerRecords = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            ledgerRecords.add(LedgerCodec.encode(entry(i)));
        }
        report.add(row("sink: parse", "request JSON value to domain and data source", this::parse));
        report.add(row("sink: client token", "record key (a string) to clientToken", i -> ClientTokens.fromKey(
                "order-" + i)));
        report.add(row("sink: client token, struct key", "record key (a map) to its hashed clientToken",
                i -> ClientTokens.fromKey(Map.of("orderId", i, "region", "eu"))));
        report.add(row("sink: ledger encode", "outcome to ledger record bytes", i -> LedgerCodec.encode(entry(i))));
        report.add(row("sink: per request", "parse + client token + ledger encode", i -> {
            parse(i);
            ClientTokens.fromKey("order-" + i);
            return LedgerCodec.encode(entry(i));
        }));
        report.add(row("source: ledger decode", "ledger record bytes to outcome",
                i -> LedgerCodec.decode(ledgerRecords.get(i & 1023))));
        report.add(row("source: event", "outcome to RUN_STARTED struct", i -> events.result(entry(i), Instant.now())));
        report.add(row("source: Avro", "event struct to Avro binary", i -> avro(events.result(entry(i),
                Instant.now()))));
        report.add(row("source: per event", "ledger decode + event + Avro",
                i -> avro(events.result(LedgerCodec.decode(ledgerRecords.get(i & 1023)), Instant.now()))));
        report.publish();
    }

    private Object parse(int i) {
        return parser.parse("{\"domainIdentifier\":\"dzd_demo\",\"dataSourceIdentifier\":\"ds_" + (i & 63) + "\"}");
    }

    private byte[] avro(Struct event) {
        avroBytes.reset();
        avroEncoder = EncoderFactory.get().binaryEncoder(avroBytes, avroEncoder);
        try {
            avroWriter.write(avroData.fromConnectData(DataSourceRunEventSchema.SCHEMA, event), avroEncoder);
            avroEncoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return avroBytes.toByteArray();
    }

    /** A RUN_STARTED outcome as the sink records it after StartDataSourceRun answered. */
    private static LedgerEntry entry(int i) {
        Instant created = Instant.parse("2026-03-02T10:00:00Z").plusMillis(i);
        RunSnapshot run = new RunSnapshot("run" + i, "dzd_demo", "ds_" + (i & 63), "project_1", "REQUESTED",
                "PRIORITIZED", created, null, null, created, null, new RunStatistics(null, null, null, null, null),
                null);
        return LedgerEntry.started(new RequestCoordinates("datazone-run-requests", i % 6, i), "order-" + i, run,
                "request-" + i, created);
    }

    private Map<String, Object> row(String path, String what, IntFunction<Object> work) {
        measure(work, WARM_UP_ITEMS);
        List<Double> micros = new ArrayList<>();
        for (int rep = 0; rep < REPETITIONS; rep++) {
            micros.add(measure(work, ITEMS));
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("path", path);
        row.put("what it does", what);
        row.put("CPU us per item median (min..max)", BenchmarkStats.of(micros));
        return row;
    }

    /** CPU microseconds of this thread per item. */
    private double measure(IntFunction<Object> work, int items) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < items; i++) {
            lastResult = work.apply(i);
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / 1e3 / items;
    }
}
