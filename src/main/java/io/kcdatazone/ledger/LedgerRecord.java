package io.kcdatazone.ledger;

/**
 * A record of the ledger topic: an {@link LedgerEntry outcome entry} (one per request outcome) or a
 * {@link ProgressMark} (how far the sink's outcomes are complete). {@link LedgerCodec#decodeRecord} tells them apart.
 */
public interface LedgerRecord {

    /** The ledger format version the record was written in. */
    int version();
}
