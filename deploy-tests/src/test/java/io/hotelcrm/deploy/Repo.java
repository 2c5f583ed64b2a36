package io.hotelcrm.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the checkout. */
final class Repo {

    private Repo() {
    }

    /** The checkout's root: the parent of {@code dev.state.dir}, which the build passes to every test JVM. */
    static Path root() {
        String state = System.getProperty("dev.state.dir");
        if (state != null) {
            return Path.of(state).getParent();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("helm/aicredit/Chart.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (helm/aicredit/Chart.yaml)");
        }
        return dir;
    }

    static Path chart() {
        return root().resolve("helm/aicredit");
    }
}
