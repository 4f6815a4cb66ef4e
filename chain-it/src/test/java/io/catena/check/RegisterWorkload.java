package io.catena.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates linearizable histories by running clients against a true atomic register per key: each op is
 * given a random instant inside its interval, applied there, and its output recorded. Clients overlap heavily
 * (each issues its next op right after the last), so the checker faces real concurrency. Seeded: one seed, one
 * history.
 */
final class RegisterWorkload {

    /** Longest op, in time units: with ~10 clients on one key, each op overlaps ~10 to 20 others. */
    static final int OP_DURATION_MAX = 50;
    static final int GAP_MAX = 3;
    /** Percent of mutating ops whose client times out (INFO); half of those take effect anyway, later. */
    static final int INFO_PERCENT = 5;

    /** An op before it is applied; a CAS's expectation is chosen when it is applied, so that some succeed. */
    private record Planned(int client, Op.Kind kind, String key, String value, long invokedAt, long completedAt,
                           long effectAt, boolean info) {
    }

    private record Register(String value, long version) {
    }

    private final Random random;
    private final int clients;
    private final List<String> keys;
    private final boolean recordVersions;
    private long seq;

    /** Clients that record the versions the store gives (and CAS by version). */
    RegisterWorkload(long seed, int clients, List<String> keys) {
        this(seed, clients, keys, true);
    }

    /** @param recordVersions if false, no output carries a version and every CAS is a CAS-if-absent */
    RegisterWorkload(long seed, int clients, List<String> keys, boolean recordVersions) {
        this.random = new Random(seed);
        this.clients = clients;
        this.keys = keys;
        this.recordVersions = recordVersions;
    }

    /** {@code opsTotal} ops spread over the keys at random. */
    History run(int opsTotal) {
        List<Planned> planned = plan(opsTotal);
        List<Planned> byEffect = new ArrayList<>(planned);
        byEffect.sort(Comparator.comparingLong(Planned::effectAt));
        Map<String, Register> registers = new HashMap<>();
        Map<Planned, Call> calls = new HashMap<>();
        Map<Planned, Output> outputs = new HashMap<>();
        for (Planned p : byEffect) {
            Register now = registers.getOrDefault(p.key(), new Register(null, Output.VERSION_UNKNOWN));
            Call call = call(p, now);
            calls.put(p, call);
            if (p.effectAt() != Op.NEVER) {
                outputs.put(p, apply(call, now, registers));
            }
        }
        History history = new History();
        for (Planned p : planned) {
            if (p.info()) {
                history.addInfo(p.client(), calls.get(p), p.invokedAt());
            } else {
                history.addOk(p.client(), calls.get(p), p.invokedAt(), p.completedAt(), outputs.get(p));
            }
        }
        return history;
    }

    private List<Planned> plan(int opsTotal) {
        long[] clientFreeAt = new long[clients];
        List<Planned> planned = new ArrayList<>();
        for (int i = 0; i < opsTotal; i++) {
            int client = i % clients;
            long invokedAt = clientFreeAt[client] + random.nextInt(GAP_MAX + 1);
            long completedAt = invokedAt + 1 + random.nextInt(OP_DURATION_MAX);
            long effectAt = invokedAt + random.nextInt((int) (completedAt - invokedAt) + 1);
            Op.Kind kind = kind();
            boolean info = kind.mutates() && random.nextInt(100) < INFO_PERCENT;
            if (info) {
                effectAt = random.nextBoolean() ? Op.NEVER : invokedAt + random.nextInt(4 * OP_DURATION_MAX);
            }
            String key = keys.get(random.nextInt(keys.size()));
            planned.add(new Planned(client, kind, key, "c" + client + "-" + i, invokedAt, completedAt, effectAt, info));
            clientFreeAt[client] = completedAt;
        }
        return planned;
    }

    private Op.Kind kind() {
        int dice = random.nextInt(100);
        return dice < 40 ? Op.Kind.WRITE : dice < 80 ? Op.Kind.READ : dice < 90 ? Op.Kind.DELETE : Op.Kind.CAS;
    }

    /** The call; a CAS expects the current version, an older one, or no value, at random. */
    private Call call(Planned p, Register now) {
        return switch (p.kind()) {
            case WRITE -> Call.write(p.key(), p.value());
            case DELETE -> Call.delete(p.key());
            case READ -> Call.read(p.key());
            case CAS -> {
                int dice = random.nextInt(3);
                if (dice == 0 || now.version() == Output.VERSION_UNKNOWN || !recordVersions) {
                    yield Call.casIfAbsent(p.key(), p.value());
                }
                yield Call.cas(p.key(), dice == 1 ? now.version() : Math.max(0, now.version() - 1), p.value());
            }
        };
    }

    private Output apply(Call call, Register now, Map<String, Register> registers) {
        boolean takesEffect = switch (call.kind()) {
            case WRITE, DELETE -> true;
            case READ -> false;
            case CAS -> call.expectsAbsent() ? now.value() == null : now.version() == call.expectedVersion();
        };
        if (call.kind() == Op.Kind.READ) {
            return now.value() == null ? Output.absent()
                    : Output.read(now.value(), recordVersions ? now.version() : Output.VERSION_UNKNOWN);
        }
        if (!takesEffect) {
            return Output.casRejected();
        }
        seq++;
        registers.put(call.key(), new Register(call.kind() == Op.Kind.DELETE ? null : call.value(), seq));
        return Output.written(recordVersions ? seq : Output.VERSION_UNKNOWN);
    }
}
