package io.catena.node.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** DESIGN §1: the core imports no Vert.x, lmdbjava or Hazelcast, reads no clock and draws no random number. */
class CorePurityTest {

    private static final Path CORE = Path.of("src/main/java/io/catena/node/core");
    private static final Pattern FORBIDDEN = Pattern.compile(
            "import\\s+(io\\.vertx|org\\.lmdbjava|com\\.hazelcast|java\\.util\\.Random|java\\.util\\.concurrent"
                    + "\\.ThreadLocalRandom|java\\.time\\.(Clock|Instant))"
                    + "|System\\.(currentTimeMillis|nanoTime)|new\\s+Random\\(|ThreadLocalRandom|Instant\\.now"
                    + "|Math\\.random|Thread\\.sleep|java\\.io\\.File|java\\.nio\\.file");

    @Test
    void the_core_package_uses_no_io_framework_clock_or_randomness() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.list(CORE)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (FORBIDDEN.matcher(lines.get(i)).find()) {
                        violations.add(file.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertThat(violations).as("forbidden uses in the pure core").isEmpty();
    }

    @Test
    void the_purity_check_sees_the_core_sources() throws IOException {
        try (Stream<Path> files = Files.list(CORE)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).contains("ChainReplica.java");
        }
    }
}
