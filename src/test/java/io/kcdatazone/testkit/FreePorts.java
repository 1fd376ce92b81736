package io.kcdatazone.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Ports for servers a test starts itself on fixed ports (they keep them across restarts). */
final class FreePorts {

    private FreePorts() {
    }

    /** A port free at the moment of asking. */
    static int any() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
