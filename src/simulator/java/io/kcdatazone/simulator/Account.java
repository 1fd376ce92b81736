package io.kcdatazone.simulator;

import java.time.Clock;

/**
 * The simulated account the operation handlers work on: the seeded catalogue, the runs, the clock they are judged
 * by, the renderer of the model's shapes, and the odd answers a test switched on.
 */
record Account(Catalog catalog, RunStore runs, Clock clock, Shapes shapes, OddAnswers oddAnswers) {
}
