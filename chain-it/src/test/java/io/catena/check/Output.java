package io.catena.check;

/**
 * What a client got back when its operation completed OK, or, for an INFO write, the little it learned (a 504
 * from a Catena head carries the seq the write was given).
 *
 * @param value   for READ, the value seen, {@code null} when the key had none; otherwise {@code null}
 * @param version the version the store reported (a write's seq, a read's ETag), or {@link #VERSION_UNKNOWN}
 * @param applied for CAS, whether it applied; {@code true} for WRITE and DELETE, irrelevant for READ
 */
public record Output(String value, long version, boolean applied) {

    /** The store did not say (or the client did not record) which version. Known versions are >= 0. */
    public static final long VERSION_UNKNOWN = -1;

    public Output {
        if (version < 0 && version != VERSION_UNKNOWN) {
            throw new IllegalArgumentException("a version is >= 0 or VERSION_UNKNOWN, got " + version);
        }
    }

    /** A WRITE, DELETE or applied CAS that the store gave {@code version}. */
    public static Output written(long version) {
        return new Output(null, version, true);
    }

    /** A WRITE, DELETE or applied CAS whose version the client does not know. */
    public static Output written() {
        return written(VERSION_UNKNOWN);
    }

    public static Output casRejected() {
        return new Output(null, VERSION_UNKNOWN, false);
    }

    public static Output read(String value, long version) {
        if (value == null) {
            throw new IllegalArgumentException("a read of no value is Output.absent()");
        }
        return new Output(value, version, true);
    }

    public static Output read(String value) {
        return read(value, VERSION_UNKNOWN);
    }

    public static Output absent() {
        return new Output(null, VERSION_UNKNOWN, true);
    }

    public boolean versionKnown() {
        return version != VERSION_UNKNOWN;
    }

    /** The output as the timeline shows it, for an op of {@code kind}. */
    String render(Op.Kind kind) {
        String at = versionKnown() ? " v" + version : "";
        return switch (kind) {
            case WRITE, DELETE -> "ok" + at;
            case READ -> Call.quote(value) + at;
            case CAS -> (applied ? "applied" : "rejected") + at;
        };
    }
}
