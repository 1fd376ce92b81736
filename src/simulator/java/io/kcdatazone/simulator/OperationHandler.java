package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Handles one DataZone operation: validates the request, then answers with the operation's output shape. */
interface OperationHandler {

    /**
     * The response body of a successful call.
     *
     * @throws ApiException for any modelled error
     */
    ObjectNode handle(ApiRequest request);
}
