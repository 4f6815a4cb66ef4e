package io.catena.client;

/** An acknowledged write: its seq, and the ack level the node reports (null when it reports none). */
public record WriteResult(long seq, String ack) {
}
