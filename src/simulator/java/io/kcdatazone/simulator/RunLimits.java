package io.kcdatazone.simulator;

/**
 * The run limits a real account enforces.
 *
 * @param conflictWhileInProgress whether a Start while a run of the data source is REQUESTED or RUNNING is refused
 *     with ConflictException
 * @param runsPerDataSourcePerDay how many runs a data source may start per UTC day before ServiceQuotaExceeded;
 *     0 for no limit
 */
record RunLimits(boolean conflictWhileInProgress, int runsPerDataSourcePerDay) {
}
