package io.kcdatazone.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers a test starts itself on fixed ports, which it binds seconds later (a child JVM starting) and
 * binds again after a restart. They come from below the kernel's ephemeral range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}), where the kernel never puts the local end of an outgoing
 * connection or a server bound to port 0: a port taken from the ephemeral range could be handed out again in the
 * meantime.
 */
final class FreePorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Ports from here up are rarely some service's. */
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 100;

    private FreePorts() {
    }

    /** A port below the ephemeral range, free at the moment of asking. */
    static int any() {
        int ephemeralStart = ephemeralStart();
        if (ephemeralStart - LOWEST < 1_000) {
            return anyEphemeral();
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // Another one.
            }
        }
        throw new IllegalStateException("No free port between " + LOWEST + " and " + ephemeralStart);
    }

    /** The first port of the ephemeral range; where it cannot be read (not Linux), Linux's default. */
    static int ephemeralStart() {
        try {
            // Not Files.readString: it sizes its read by the file's size, which /proc reports as 0.
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return 32_768;
        }
    }

    /** A port free at the moment of asking, from the ephemeral range: where no other range is left. */
    private static int anyEphemeral() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
