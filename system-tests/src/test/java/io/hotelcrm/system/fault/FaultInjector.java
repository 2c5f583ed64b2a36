package io.hotelcrm.system.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Plays a {@link FaultSchedule} against the {@link FaultStack}: one thread per fault, each sleeping until its
 * start, breaking its target, waiting its down time and bringing it back. What actually happened (with the
 * time it took a killed service to be ready again) is kept for the table.
 */
final class FaultInjector {

    private final FaultStack stack;
    private final List<String> happened = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    FaultInjector(FaultStack stack) {
        this.stack = stack;
    }

    /** Runs every fault of the schedule; returns when each has ended and its target is back. */
    void play(FaultSchedule schedule, long startNanos) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(schedule.faults().size());
        List<Future<?>> running = new ArrayList<>();
        for (FaultSchedule.Fault fault : schedule.faults()) {
            running.add(pool.submit(() -> {
                try {
                    long wait = fault.atMillis() - (System.nanoTime() - startNanos) / 1_000_000;
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    apply(fault, startNanos);
                } catch (Throwable t) {
                    synchronized (failures) {
                        failures.add(t);
                    }
                    note(startNanos, "FAILED to inject " + fault.describe() + ": " + t);
                }
            }));
        }
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
            pool.shutdownNow();
            throw new IllegalStateException("faults did not end within 10 minutes");
        }
    }

    private void apply(FaultSchedule.Fault fault, long start) throws Exception {
        switch (fault.kind()) {
            case KILL_SERVICE -> {
                stack.kill(fault.target());
                note(start, "SIGKILL " + fault.target());
                Thread.sleep(fault.downMillis());
                long t0 = System.nanoTime();
                int starts = stack.startUntilReady(fault.target());
                note(start, "restarted " + fault.target() + ", ready after " + ms(t0) + " ms"
                        + (starts > 1 ? " and " + starts + " starts (it exited while a dependency was down)" : ""));
            }
            case RESTART_POSTGRES -> {
                stack.postgres.stop(fault.target());
                note(start, "PostgreSQL stopped (" + fault.target() + ")");
                Thread.sleep(fault.downMillis());
                stack.postgres.start();
                note(start, "PostgreSQL started");
            }
            case STOP_KAFKA -> {
                stack.kafka.stop();
                note(start, "Kafka stopped");
                Thread.sleep(fault.downMillis());
                stack.kafka.start();
                note(start, "Kafka started");
            }
            case STOP_REDIS -> {
                stack.redis.stop();
                note(start, "Redis stopped");
                Thread.sleep(fault.downMillis());
                stack.redis.start();
                note(start, "Redis started");
            }
        }
    }

    private static long ms(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0).toMillis();
    }

    private void note(long start, String what) {
        String line = String.format("t=%5.1fs %s", (System.nanoTime() - start) / 1e9, what);
        synchronized (happened) {
            happened.add(line);
        }
        System.out.println("[fault] " + line);
    }

    List<String> happened() {
        synchronized (happened) {
            return List.copyOf(happened);
        }
    }

    List<Throwable> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }
}
