package io.catena.master.store;

import io.catena.config.ChainConfiguration;
import io.catena.config.ControlPlaneJson;
import io.catena.master.core.AcceptorState;
import io.catena.master.core.Ballot;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The master's durable acceptor state (docs/master.md, "Several masters"): {@code <dataDir>/configuration.json},
 * the JSON of {@link ControlPlaneJson#toJson(ChainConfiguration)} of the last accepted configuration plus
 * {@code "promised"} and {@code "acceptedBallot"} ({@code "round/masterId"}; absent in a file written before
 * several masters, read as {@link Ballot#ZERO}). A restarted master starts from it, so that it never issues an epoch
 * it has issued before and never forgets a promise (DESIGN.md §4, §7).
 *
 * <p>Every save is atomic and durable before it returns: write {@code configuration.json.tmp}, force it to disk,
 * rename it over {@code configuration.json}, then force the directory so that the rename itself survives a crash.
 * A crash at any point leaves either the old file or the new one, never a mix. Not thread-safe: one owner (the
 * master runtime's event loop).
 */
public final class ConfigurationStore {

    public static final String FILE_NAME = "configuration.json";
    static final String PROMISED = "promised";
    static final String ACCEPTED_BALLOT = "acceptedBallot";
    private static final String TEMP_NAME = FILE_NAME + ".tmp";

    private final Path dir;
    private final Path file;
    private long storedEpoch = -1; // -1: not read yet

    public ConfigurationStore(Path dataDir) {
        this.dir = dataDir;
        this.file = dataDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** The stored configuration, or {@link ChainConfiguration#NONE} when nothing was ever saved (see {@link #loadState}). */
    public ChainConfiguration load() {
        return loadState().accepted();
    }

    /**
     * The stored acceptor state, or {@link AcceptorState#INITIAL} when nothing was ever saved.
     *
     * @throws IllegalStateException when the file cannot be read or is not a valid state; the message names the
     *                               file (an operator must look at it: the master will not guess)
     */
    public AcceptorState loadState() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            storedEpoch = 0;
            return AcceptorState.INITIAL;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the master's configuration file " + file + ": " + e, e);
        }
        AcceptorState state;
        try {
            JsonObject json = ControlPlaneJson.parse(text);
            ChainConfiguration configuration = json.getLong("epoch", -1L) == 0 ? ChainConfiguration.NONE
                    : ControlPlaneJson.configuration(json);
            state = new AcceptorState(ballot(json, PROMISED), ballot(json, ACCEPTED_BALLOT), configuration);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IllegalStateException("the master's configuration file " + file + " is corrupt ("
                    + e.getMessage() + "); restore it or move it away to start from no configuration", e);
        }
        storedEpoch = state.accepted().epoch();
        return state;
    }

    private static Ballot ballot(JsonObject json, String field) {
        String text = json.getString(field);
        if (text == null) {
            return Ballot.ZERO;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(field + " is not round/masterId: '" + text + "'");
        }
        try {
            return new Ballot(Long.parseLong(text.substring(0, slash)), text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " has no numeric round: '" + text + "'");
        }
    }

    /**
     * Makes {@code configuration} the stored one, durably, before returning.
     *
     * @throws IllegalStateException when its epoch is not greater than the stored epoch (the master never reuses
     *                               an epoch), or when the write fails (the caller must stop: a master that cannot
     *                               persist must not publish)
     */
    public void save(ChainConfiguration configuration) {
        if (storedEpoch < 0) {
            loadState();
        }
        if (configuration.epoch() <= storedEpoch) {
            throw new IllegalStateException("refusing to store epoch " + configuration.epoch() + " over epoch "
                    + storedEpoch + " in " + file + ": epochs only increase");
        }
        write(AcceptorState.of(configuration));
    }

    /**
     * Makes {@code state} the stored one, durably, before returning: a promise or an acceptance is answered only
     * after this.
     *
     * @throws IllegalStateException when its accepted epoch is below the stored one (an acceptor's accepted epoch
     *                               never decreases), or when the write fails (the caller must stop)
     */
    public void save(AcceptorState state) {
        if (storedEpoch < 0) {
            loadState();
        }
        if (state.accepted().epoch() < storedEpoch) {
            throw new IllegalStateException("refusing to store epoch " + state.accepted().epoch() + " over epoch "
                    + storedEpoch + " in " + file + ": an accepted epoch never decreases");
        }
        write(state);
    }

    private void write(AcceptorState state) {
        ChainConfiguration configuration = state.accepted();
        JsonObject json = ControlPlaneJson.toJson(configuration);
        if (!state.promised().equals(Ballot.ZERO)) {
            json.put(PROMISED, state.promised().toString()).put(ACCEPTED_BALLOT, state.acceptedBallot().toString());
        }
        byte[] bytes = (json.encodePrettily() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(dir);
            Path temp = dir.resolve(TEMP_NAME);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
        } catch (IOException e) {
            throw new IllegalStateException("cannot store epoch " + configuration.epoch() + " in " + file + ": " + e,
                    e);
        }
        storedEpoch = configuration.epoch();
    }

    /** Makes the rename durable (POSIX: the directory entry lives in the directory's own blocks). */
    private void forceDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
