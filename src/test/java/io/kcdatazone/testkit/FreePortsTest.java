package io.kcdatazone.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void aPortBelowTheEphemeralRangeThatCanBeBound() throws Exception {
        int port = FreePorts.any();

        assertThat(port).isBetween(10_000, FreePorts.ephemeralStart() - 1);
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }
}
