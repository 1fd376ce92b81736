package io.kcdatazone.simulator;

import java.time.Duration;

/** One injected misbehaviour, consumed by a single request. */
sealed interface Fault {

    /** Answer with a modelled error instead of handling the request. */
    record Fail(ServiceError error) implements Fault {
    }

    /** Close the connection without handling the request or answering. */
    record ResetBeforeHandling() implements Fault {
    }

    /** Handle the request (a Start does start its run), then close the connection without answering. */
    record ResetAfterHandling() implements Fault {
    }

    /** Handle the request, then hold the response back for {@code delay}. */
    record SlowResponse(Duration delay) implements Fault {
    }
}
