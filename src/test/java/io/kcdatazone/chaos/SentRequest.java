package io.kcdatazone.chaos;

import io.kcdatazone.ledger.RequestCoordinates;

/**
 * A request record the chaos suite produced, and where it landed.
 *
 * @param coordinates the request topic, partition and offset the record was written to
 * @param key the record key (the request id)
 * @param malformed whether the value is broken on purpose, so the record must end in the dead letter queue and
 *     start no run
 */
public record SentRequest(RequestCoordinates coordinates, String key, boolean malformed) {
}
