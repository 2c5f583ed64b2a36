package io.hotelcrm.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** One service's packaged jar running as a real process, as it runs in production. */
public final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public final String name;
    public final int port;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code <root>/<name>/target/quarkus-app/quarkus-run.jar} on a free port with the given
     * environment, logging to {@code target/system-logs/<name>.log}.
     */
    public static ServiceProcess start(String name, Map<String, String> env) throws IOException {
        return start(name, env, freePort(), false);
    }

    /**
     * Starts the jar on a given port, appending to its log: what a test that kills a service and restarts it
     * needs, because its peers keep the old URL and the log of the first life must survive the second.
     */
    public static ServiceProcess startOnPort(String name, Map<String, String> env, int port) throws IOException {
        return start(name, env, port, true);
    }

    private static ServiceProcess start(String name, Map<String, String> env, int port, boolean appendLog)
            throws IOException {
        Path root = LocalBroker.repositoryRoot();
        Path jar = root.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (mvn verify does)");
        }
        Path logs = Path.of("target/system-logs");
        Files.createDirectories(logs);
        Path log = logs.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx256m", "-jar", jar.toString())
                .directory(root.resolve(name).toFile())
                .redirectErrorStream(true)
                .redirectOutput(appendLog ? ProcessBuilder.Redirect.appendTo(log.toFile())
                        : ProcessBuilder.Redirect.to(log.toFile()));
        Map<String, String> environment = new HashMap<>(env);
        environment.put("HTTP_PORT", String.valueOf(port));
        environment.put("LOG_JSON", "true");
        builder.environment().putAll(environment);
        return new ServiceProcess(name, port, builder.start(), log);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits until SmallRye Health says the service is ready. */
    public void awaitReady(Duration timeout) {
        Awaitility.await(name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + log.toAbsolutePath());
            }
            return readiness() == 200;
        });
    }

    public int readiness() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready")).GET()
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String metrics() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Kills the process with SIGKILL, as the OOM killer or a node failure would: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly(); // SIGKILL on Linux
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** A port no one listens on now, for a process the test will start (and restart) on it. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
