package io.kcdatazone.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports: the demo's fixed ones must be free before anything starts, the others are picked free. */
final class Ports {

    static final String HOST = "127.0.0.1";

    private Ports() {
    }

    /**
     * @throws IllegalStateException naming the port and its use when something already listens there
     */
    static void requireFree(int port, String usedFor) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            probe.setReuseAddress(true);
        } catch (IOException taken) {
            throw new IllegalStateException("port " + port + " on " + HOST + " (" + usedFor
                    + ") is already in use: stop whatever listens there (a previous demo still running?)");
        }
    }

    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }
}
