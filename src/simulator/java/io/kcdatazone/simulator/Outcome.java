package io.kcdatazone.simulator;

/** The terminal status a simulated run reaches. */
public enum Outcome {
    SUCCESS,
    PARTIALLY_SUCCEEDED,
    FAILED
}
