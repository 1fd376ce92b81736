package io.kcdatazone.simulator;

import java.util.Set;

/** The values of the service model's enums that the simulator validates or emits. */
final class ModelEnums {
    static final Set<String> DATA_SOURCE_RUN_STATUS =
            Set.of("REQUESTED", "RUNNING", "FAILED", "PARTIALLY_SUCCEEDED", "SUCCESS");
    static final Set<String> DATA_SOURCE_STATUS = Set.of("CREATING", "FAILED_CREATION", "READY", "UPDATING",
            "FAILED_UPDATE", "RUNNING", "DELETING", "FAILED_DELETION");
    static final Set<String> DATA_ASSET_ACTIVITY_STATUS = Set.of("FAILED", "PUBLISHING_FAILED", "SUCCEEDED_CREATED",
            "SUCCEEDED_UPDATED", "SKIPPED_ALREADY_IMPORTED", "SKIPPED_ARCHIVED", "SKIPPED_NO_ACCESS", "UNCHANGED");
    static final Set<String> DATA_SOURCE_ERROR_TYPE = Set.of("ACCESS_DENIED_EXCEPTION", "CONFLICT_EXCEPTION",
            "INTERNAL_SERVER_EXCEPTION", "RESOURCE_NOT_FOUND_EXCEPTION", "SERVICE_QUOTA_EXCEEDED_EXCEPTION",
            "THROTTLING_EXCEPTION", "VALIDATION_EXCEPTION");

    private ModelEnums() {
    }
}
