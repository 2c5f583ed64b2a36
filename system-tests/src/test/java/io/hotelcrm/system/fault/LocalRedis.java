package io.hotelcrm.system.fault;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A redis-server of the fault suite's own on another port, run as a child process so the suite can stop it
 * for tens of seconds; the machine's Redis on 6379 serves other engineers and is never touched. No
 * persistence, as in the dev setup: a restart loses the rate-limit counters, which is what a real Redis
 * failover without persistence does too.
 */
final class LocalRedis {

    final int port;
    private final Path dir;
    private Process process;

    LocalRedis(Path dir, int port) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    synchronized void start() throws IOException {
        Files.createDirectories(dir);
        process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                .start();
        Awaitility.await("redis on " + port).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(this::answers);
    }

    /** SIGKILL: Redis vanishes as on a node loss, open connections are reset. */
    synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.toHandle().destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    private boolean answers() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("PING\r\n".getBytes());
            byte[] buf = new byte[7];
            return s.getInputStream().read(buf) > 0 && new String(buf).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
