package io.catena.faults;

import io.catena.check.Call;
import io.catena.check.Output;
import io.vertx.core.json.JsonObject;
import java.util.Random;

/**
 * Reads and writes of a few registers, recorded for the linearizability check. Each phase has its own keys
 * ({@code reg/<phase>/k<j>}) so that no key's history grows past what the checker searches quickly. Writes go to
 * the head ({@code 200}: OK with its seq; {@code 504} or no answer after sending: INFO, without a seq; anything
 * else: FAIL),
 * reads to the tail ({@code 200} with the ETag's seq or {@code 404}: OK; anything else: FAIL, which the checker
 * drops).
 */
final class RegisterWorkload {

    static final int KEYS_PER_PHASE = 8;

    private final Recorder recorder;
    private final ChainClient[] clients;
    private final Random[] randoms;

    RegisterWorkload(Recorder recorder, ChainClient[] clients, long seed) {
        this.recorder = recorder;
        this.clients = clients;
        this.randoms = new Random[clients.length];
        for (int c = 0; c < clients.length; c++) {
            randoms[c] = new Random(seed * 31 + c);
        }
    }

    int clientCount() {
        return clients.length;
    }

    boolean step(int client, long i) {
        Random random = randoms[client];
        String key = key(random);
        if (random.nextBoolean()) {
            return write(clients[client], client, key, "c" + client + "-" + i) == 200;
        }
        int status = read(clients[client], client, key);
        return status == 200 || status == 404;
    }

    String key(Random random) {
        return "reg/" + recorder.phase() + "/k" + random.nextInt(KEYS_PER_PHASE);
    }

    /** Writes through {@code via} as client {@code client}, records it; returns the final status, or -1. */
    int write(ChainClient via, int client, String key, String value) {
        long invokedNs = System.nanoTime();
        int id = recorder.invoke(client, Call.write(key, value));
        try {
            ChainClient.Answer answer = via.put(key, value);
            if (answer.status() == 200) {
                recorder.acknowledged(key, invokedNs, answer.node(), seqOf(answer));
                recorder.ok(id, Output.written(seqOf(answer)), invokedNs);
            } else if (answer.status() == 504) {
                // INFO without the seq the 504 carries: a head deposed before its entry reached anyone else gives
                // that seq to nobody, and the next head gives the same seq to another write (seen: zombie head).
                recorder.info(id, null);
            } else {
                recorder.fail(id);
            }
            return answer.status();
        } catch (BoundHttp.NoReply e) {
            if (e.sent()) {
                recorder.info(id, null);
            } else {
                recorder.fail(id);
            }
            return -1;
        }
    }

    /** Reads through {@code via} as client {@code client}, records it; returns the final status, or -1. */
    int read(ChainClient via, int client, String key) {
        long invokedNs = System.nanoTime();
        int id = recorder.invoke(client, Call.read(key));
        try {
            ChainClient.Answer answer = via.get(key);
            if (answer.status() == 200) {
                recorder.ok(id, Output.read(answer.reply().body(), etagSeq(answer)), invokedNs);
            } else if (answer.status() == 404) {
                recorder.ok(id, Output.absent(), invokedNs);
            } else {
                recorder.fail(id);
            }
            return answer.status();
        } catch (BoundHttp.NoReply e) {
            recorder.fail(id); // a read without an answer observed nothing
            return -1;
        }
    }

    /** The seq in a write's answer ({@code {"seq": N}}, also in a 504's), or -1. */
    static long seqOf(ChainClient.Answer answer) {
        try {
            Long seq = new JsonObject(answer.reply().body()).getLong("seq");
            return seq == null ? -1 : seq;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static long etagSeq(ChainClient.Answer answer) {
        String etag = answer.reply().etag();
        return etag == null ? Output.VERSION_UNKNOWN : Long.parseLong(etag.replace("\"", ""));
    }
}
