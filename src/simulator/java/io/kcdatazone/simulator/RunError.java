package io.kcdatazone.simulator;

/** A run's {@code errorMessage}: a {@code DataSourceErrorType} and a free-text detail. */
record RunError(String errorType, String errorDetail) {
}
