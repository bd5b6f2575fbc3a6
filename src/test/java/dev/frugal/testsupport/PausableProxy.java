package dev.frugal.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of a real service (Redis, PostgreSQL) that a test can stall
 * and resume: while paused, connections stay open and bytes in both directions are held, then
 * delivered in order on {@link #resume()} — what a stalled server, a GC pause or a network
 * partition that heals looks like to a client. {@link #cut()} resets every open connection.
 * Plain threads: this is test scaffolding, not the gateway's event loop.
 */
public final class PausableProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean paused;
    private volatile boolean closed;

    public PausableProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread accept = new Thread(this::acceptLoop, "pausable-proxy-accept-" + port());
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Holds every byte in both directions from now on; connections stay open. */
    public void pause() {
        paused = true;
    }

    /** Delivers what was held and forwards again. */
    public void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    public boolean paused() {
        return paused;
    }

    /** Resets every open connection (new ones are still accepted). */
    public void cut() {
        for (Socket s : open) closeQuietly(s);
        open.clear();
    }

    @Override
    public void close() {
        closed = true;
        resume();
        closeQuietly(listener);
        cut();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                pump(client, server, "up");
                pump(server, client, "down");
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    awaitResumed();
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // connection reset or proxy closed: end both sides below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "pausable-proxy-" + direction + "-" + port());
        t.setDaemon(true);
        t.start();
    }

    private void awaitResumed() throws InterruptedException {
        synchronized (gate) {
            while (paused && !closed) gate.wait();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
