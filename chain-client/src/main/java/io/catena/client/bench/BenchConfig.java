package io.catena.client.bench;

import io.catena.client.Ack;
import io.catena.client.Consistency;
import java.time.Duration;
import java.util.Objects;

/**
 * One benchmark run (docs/client.md, "catena bench"). {@code ratePerSec} 0 means closed loop: each connection
 * sends its next request when the previous one is answered. Above 0, open loop: requests are scheduled at fixed
 * intended times and each latency is measured from its intended start (wrk2's correction for coordinated
 * omission). {@code ack} null leaves the node's default.
 */
public record BenchConfig(Duration duration, Duration warmup, int connections, double ratePerSec, int keys,
                          int valueBytes, double readRatio, Ack ack, Consistency consistency, String keyPrefix) {

    public static final int CONNECTIONS_MAX = 1_024;
    public static final int VALUE_BYTES_MAX = 16 << 20;

    public BenchConfig {
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(consistency, "consistency");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        require(!duration.isNegative() && !duration.isZero(), "--duration must be positive, not " + duration);
        require(!warmup.isNegative(), "--warmup must not be negative, not " + warmup);
        require(connections >= 1 && connections <= CONNECTIONS_MAX,
                "--connections must be 1.." + CONNECTIONS_MAX + ", not " + connections);
        require(ratePerSec >= 0 && Double.isFinite(ratePerSec), "--rate must be > 0 ops/s, not " + ratePerSec);
        require(keys >= 1, "--keys must be at least 1, not " + keys);
        require(valueBytes >= 0 && valueBytes <= VALUE_BYTES_MAX,
                "--value-bytes must be 0.." + VALUE_BYTES_MAX + ", not " + valueBytes);
        require(readRatio >= 0 && readRatio <= 1, "--read-ratio must be 0..1, not " + readRatio);
    }

    public boolean openLoop() {
        return ratePerSec > 0;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
