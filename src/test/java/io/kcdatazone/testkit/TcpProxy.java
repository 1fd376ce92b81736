package io.kcdatazone.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.utils.Utils;

/**
 * Forwards TCP connections from a port on 127.0.0.1 to a target port, and can cut them: a network partition between
 * the clients that connect through it and the server, while everything else still reaches the server directly.
 * {@link #cut()} closes every open connection and closes each new one at once (the clients see their connections
 * reset) until {@link #restore()}. Every connection uses two daemon threads.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;

    private TcpProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** Listens on {@code port} (0 for any free one) and forwards to {@code targetPort}, both on 127.0.0.1. */
    public static TcpProxy start(int port, int targetPort) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            TcpProxy proxy = new TcpProxy(server, targetPort);
            daemon("tcp-proxy-accept-" + server.getLocalPort(), proxy::acceptLoop).start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen for the proxy to port " + targetPort, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on no connection gets through; the open ones are closed. */
    public void cut() {
        cut = true;
        open.forEach(socket -> Utils.closeQuietly(socket, "proxied socket"));
        open.clear();
    }

    /** Connections get through again. */
    public void restore() {
        cut = false;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                Utils.closeQuietly(client, "refused socket");
                continue;
            }
            Socket target = new Socket();
            try {
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            } catch (IOException e) {
                // The server is down: the client sees its connection closed, as it would see it refused.
                Utils.closeQuietly(client, "client socket");
                Utils.closeQuietly(target, "target socket");
                continue;
            }
            open.add(client);
            open.add(target);
            if (cut) {
                // cut() came between the check above and the adds, and cleared what was open before them.
                Utils.closeQuietly(client, "refused socket");
                Utils.closeQuietly(target, "target socket");
                open.remove(client);
                open.remove(target);
                continue;
            }
            daemon("tcp-proxy-up-" + port(), () -> pump(client, target)).start();
            daemon("tcp-proxy-down-" + port(), () -> pump(target, client)).start();
        }
    }

    /** Copies one direction until either side closes, then closes both. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
            }
        } catch (IOException closed) {
            // One side went away (or the proxy cut it): the other goes too.
        } finally {
            Utils.closeQuietly(from, "proxied socket");
            Utils.closeQuietly(to, "proxied socket");
            open.remove(from);
            open.remove(to);
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        closed = true;
        Utils.closeQuietly(server, "proxy server socket");
        cut();
    }
}
