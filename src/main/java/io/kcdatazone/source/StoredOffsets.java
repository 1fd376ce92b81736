package io.kcdatazone.source;

import java.util.Collection;
import java.util.Map;

/**
 * Reads the source offsets Connect stored, by source partition: the task passes its {@code OffsetStorageReader}, tests
 * a map. Partitions without an offset are missing from the answer or map to null.
 */
@FunctionalInterface
interface StoredOffsets {

    Map<Map<String, Object>, Map<String, Object>> read(Collection<Map<String, Object>> partitions);
}
