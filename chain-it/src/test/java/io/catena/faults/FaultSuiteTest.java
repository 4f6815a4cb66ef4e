package io.catena.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fault suite (docs/faults.md): profile {@code -Dcatena.faults=ci} (the default, run by {@code mvn verify})
 * or {@code full}; {@code -Dcatena.faults.seed=S} replays a schedule. Writes {@code target/faults/report.json} and
 * prints a one-line summary last. Needs root (nft, mount) and libfaketime; without them it is skipped, saying why.
 */
class FaultSuiteTest {

    static final Path REPORT = Path.of("target", "faults", "report.json");

    @Test
    @DisplayName("under kills, pauses, partitions, loss, delay, a full disk and clock skew nothing acknowledged is lost")
    void faultsLoseNothingAcknowledged() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the fault suite needs root (nft, mount)");
        assumeTrue(Nft.available(), "the fault suite needs nft (apt-get install nftables)");
        assumeTrue(ClockSkew.available(), "the fault suite needs libfaketime (apt-get install faketime)");
        Profile profile = Profile.named(System.getProperty("catena.faults", "ci"));
        long seed = Long.getLong("catena.faults.seed", System.currentTimeMillis());
        FaultReport report;
        FaultSuite suite = new FaultSuite(profile, seed);
        try (suite) {
            report = suite.run();
            report.write(REPORT);
            if (!report.passed()) {
                suite.printLogs();
            }
        }
        if (report.passed() && !Boolean.getBoolean("catena.keepDirs")) {
            suite.deleteDirs();
        }
        report.violations().forEach(v -> System.out.println("VIOLATION: " + v));
        System.out.println("report: " + REPORT.toAbsolutePath());
        System.out.println(report.summary());
        assertThat(report.violations()).as("violations (seed %d)", seed).isEmpty();
    }
}
