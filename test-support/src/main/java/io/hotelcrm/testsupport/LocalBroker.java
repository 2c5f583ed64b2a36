package io.hotelcrm.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker of a test's own, run by the project's {@code dev/kafka-broker} script, so a test
 * can stop and restart Kafka without disturbing the broker other tests use.
 */
public final class LocalBroker {

    private final String name;
    private final int port;

    private LocalBroker(String name, int port) {
        this.name = name;
        this.port = port;
    }

    /** Starts (or reuses) the broker {@code name} on 127.0.0.1:{@code port}. */
    public static LocalBroker start(String name, int port) {
        LocalBroker broker = new LocalBroker(name, port);
        broker.start();
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public void start() {
        run("start");
    }

    public void stop() {
        run("stop");
    }

    private void run(String command) {
        Path script = repositoryRoot().resolve("dev/kafka-broker");
        try {
            Process p = new ProcessBuilder(script.toString(), command, "--name", name, "--port", String.valueOf(port))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("dev/kafka-broker " + command + " " + name + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The checkout's root: the parent of {@code dev.state.dir}, which the build passes to every test JVM. */
    public static Path repositoryRoot() {
        String state = System.getProperty("dev.state.dir");
        if (state != null) {
            return Path.of(state).getParent();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("dev/kafka-broker"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (dev/kafka-broker)");
        }
        return dir;
    }
}
