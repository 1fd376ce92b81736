package io.kcdatazone.source;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * The context Connect gives a source task, holding the source offsets a test says Connect stored (none for a first
 * start). No plugin metrics, as on Connect before 4.1: the task publishes its metrics through its own JMX registry.
 */
final class StoredOffsetsContext implements SourceTaskContext {

    private final Map<Map<String, Object>, Map<String, Object>> offsets;

    StoredOffsetsContext(Map<Map<String, Object>, Map<String, Object>> offsets) {
        this.offsets = offsets;
    }

    /** A first start: nothing stored yet. */
    static StoredOffsetsContext none() {
        return new StoredOffsetsContext(Map.of());
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public OffsetStorageReader offsetStorageReader() {
        return new OffsetStorageReader() {
            @Override
            public <T> Map<String, Object> offset(Map<String, T> partition) {
                return offsets.get(partition);
            }

            @Override
            public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
                for (Map<String, T> partition : partitions) {
                    Map<String, Object> offset = offsets.get(partition);
                    if (offset != null) {
                        found.put(partition, offset);
                    }
                }
                return found;
            }
        };
    }
}
