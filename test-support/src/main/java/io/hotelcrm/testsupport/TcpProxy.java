package io.hotelcrm.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Test-only TCP forwarder between a service and one of its dependencies, with the failures the issue
 * names: {@link #refuse()} (the dependency is down: open connections are cut, new ones refused),
 * {@link #stall()} (it accepts and never answers, like a SIGSTOPped process) and {@link #restore()}.
 */
public final class TcpProxy implements AutoCloseable {

    private final IntSupplier targetPort;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile ServerSocket server;
    private volatile boolean stalled;

    private TcpProxy(IntSupplier targetPort, ServerSocket server) {
        this.targetPort = targetPort;
        this.server = server;
        this.port = server.getLocalPort();
        accept(server);
    }

    /** A proxy to the port {@code targetPort} gives when a connection comes (the target may start later). */
    public static TcpProxy to(IntSupplier targetPort) throws IOException {
        return new TcpProxy(targetPort, bind(0));
    }

    public int port() {
        return port;
    }

    /** Down: every open connection is cut and the port refuses new ones. */
    public synchronized void refuse() throws IOException {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            s.close();
        }
        cutAll();
    }

    /** Hung: connections are accepted (and kept) but no byte goes through in either direction. */
    public synchronized void stall() {
        stalled = true;
    }

    /** Back to forwarding. Connections that were stalled are cut, as a restarted process would. */
    public synchronized void restore() throws IOException {
        if (stalled) {
            stalled = false;
            cutAll();
            synchronized (gate) {
                gate.notifyAll();
            }
        }
        if (server == null) {
            server = bind(port);
            accept(server);
        }
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("127.0.0.1", port));
        return s;
    }

    private void accept(ServerSocket listening) {
        Thread t = new Thread(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket client = listening.accept();
                    Socket upstream = new Socket("127.0.0.1", targetPort.getAsInt());
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // closed by refuse(), or the target refused: the client sees its connection end
                }
            }
        }, "tcp-proxy-accept-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (gate) {
                        while (stalled) {
                            gate.wait();
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // cut
            } finally {
                close(from);
                close(to);
            }
        }, "tcp-proxy-pump-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void cutAll() {
        for (Socket s : sockets) {
            close(s);
        }
    }

    private void close(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        stalled = false;
        synchronized (gate) {
            gate.notifyAll();
        }
        refuse();
    }
}
