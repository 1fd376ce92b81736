package io.kcdatazone.demo;

/**
 * The loopback ports of a {@link DemoStack}. The demo uses fixed ones, so the addresses it prints stay the same from
 * run to run; tests take free ones, so they never collide with a demo that is running.
 *
 * @param kafka the broker's client port
 * @param connect the Connect worker's REST port
 * @param datazone the simulator's port (0: any free port)
 */
record StackPorts(int kafka, int connect, int datazone) {

    static StackPorts demo() {
        return new StackPorts(9092, 8083, 8090);
    }

    static StackPorts free() {
        return new StackPorts(Ports.free(), Ports.free(), 0);
    }

    /**
     * @throws IllegalStateException naming the first fixed port something already listens on
     */
    void requireFree(boolean withSimulator) {
        Ports.requireFree(kafka, "Kafka");
        Ports.requireFree(connect, "Connect REST API");
        if (withSimulator && datazone != 0) {
            Ports.requireFree(datazone, "DataZone simulator");
        }
    }
}
