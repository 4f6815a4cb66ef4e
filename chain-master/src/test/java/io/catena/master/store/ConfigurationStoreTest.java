package io.catena.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catena.config.ChainConfiguration;
import io.catena.config.ControlPlaneJson;
import io.catena.config.HostPort;
import io.catena.config.NodeDescriptor;
import io.catena.master.core.AcceptorState;
import io.catena.master.core.Ballot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationStoreTest {

    @TempDir
    Path dir;

    static NodeDescriptor node(int i) {
        return new NodeDescriptor("n" + i, HostPort.parse("127.0.0.1:700" + i), HostPort.parse("127.0.0.1:710" + i));
    }

    static ChainConfiguration epoch(long epoch, int... nodes) {
        return ChainConfiguration.of(epoch, java.util.Arrays.stream(nodes).mapToObj(ConfigurationStoreTest::node)
                .toList());
    }

    @Test
    void an_empty_directory_holds_no_configuration() {
        assertThat(new ConfigurationStore(dir.resolve("absent")).load()).isEqualTo(ChainConfiguration.NONE);
    }

    @Test
    void a_saved_configuration_is_what_a_new_store_loads() {
        Path dataDir = dir.resolve("master-data/m1");
        new ConfigurationStore(dataDir).save(epoch(3, 1, 2, 3));

        ChainConfiguration loaded = new ConfigurationStore(dataDir).load();

        assertThat(loaded).isEqualTo(epoch(3, 1, 2, 3));
        assertThat(loaded.chainIds()).containsExactly("n1", "n2", "n3");
    }

    @Test
    void a_save_replaces_the_file_whole_and_leaves_no_temporary_file() throws Exception {
        ConfigurationStore store = new ConfigurationStore(dir);
        store.save(epoch(1, 1, 2, 3));
        store.save(epoch(2, 1, 2));

        assertThat(ControlPlaneJson.configuration(ControlPlaneJson.parse(Files.readString(store.file()))))
                .isEqualTo(epoch(2, 1, 2));
        try (var files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString()).toList())
                    .containsExactly(ConfigurationStore.FILE_NAME);
        }
    }

    @Test
    void a_leftover_temporary_file_from_a_crash_is_ignored_and_overwritten() throws Exception {
        ConfigurationStore store = new ConfigurationStore(dir);
        store.save(epoch(1, 1));
        Files.writeString(dir.resolve(ConfigurationStore.FILE_NAME + ".tmp"), "{\"epoch\": 9, \"cha");

        ConfigurationStore restarted = new ConfigurationStore(dir);
        assertThat(restarted.load()).isEqualTo(epoch(1, 1));
        restarted.save(epoch(2, 1, 2));
        assertThat(new ConfigurationStore(dir).load()).isEqualTo(epoch(2, 1, 2));
    }

    @Test
    void an_epoch_not_greater_than_the_stored_one_is_refused() {
        ConfigurationStore store = new ConfigurationStore(dir);
        store.save(epoch(5, 1, 2));

        assertThatThrownBy(() -> store.save(epoch(5, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refusing to store epoch 5 over epoch 5");
        assertThatThrownBy(() -> new ConfigurationStore(dir).save(epoch(4, 1)))
                .hasMessageContaining("refusing to store epoch 4 over epoch 5");
        assertThatThrownBy(() -> store.save(ChainConfiguration.NONE)).isInstanceOf(IllegalStateException.class);
        assertThat(new ConfigurationStore(dir).load()).isEqualTo(epoch(5, 1, 2));
    }

    @Test
    void a_corrupt_file_is_an_error_that_names_the_file() throws Exception {
        Files.writeString(dir.resolve(ConfigurationStore.FILE_NAME), "{\"epoch\": 2, \"chain\": [");

        assertThatThrownBy(() -> new ConfigurationStore(dir).load())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve(ConfigurationStore.FILE_NAME).toString())
                .hasMessageContaining("corrupt");
    }

    @Test
    void a_well_formed_file_with_an_invalid_configuration_is_corrupt_too() throws Exception {
        Files.writeString(dir.resolve(ConfigurationStore.FILE_NAME), "{\"epoch\": 2, \"chain\": []}");

        assertThatThrownBy(() -> new ConfigurationStore(dir).load())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("corrupt")
                .hasMessageContaining("a chain needs at least one node");
        assertThat(List.of(dir.resolve(ConfigurationStore.FILE_NAME))).allMatch(Files::exists);
    }

    @Test
    void a_promise_and_an_acceptance_survive_a_restart_with_their_ballots() {
        ConfigurationStore store = new ConfigurationStore(dir);
        store.save(new AcceptorState(new Ballot(3, "m2"), Ballot.ZERO, ChainConfiguration.NONE));
        assertThat(new ConfigurationStore(dir).loadState())
                .isEqualTo(new AcceptorState(new Ballot(3, "m2"), Ballot.ZERO, ChainConfiguration.NONE));

        AcceptorState accepted = new AcceptorState(new Ballot(4, "m1"), new Ballot(4, "m1"), epoch(7, 1, 2));
        store.save(accepted);

        assertThat(new ConfigurationStore(dir).loadState()).isEqualTo(accepted);
        assertThat(new ConfigurationStore(dir).load()).isEqualTo(epoch(7, 1, 2));
    }

    @Test
    void a_file_written_by_a_lone_master_before_ballots_reads_as_accepted_under_no_ballot() throws Exception {
        Files.writeString(dir.resolve(ConfigurationStore.FILE_NAME),
                ControlPlaneJson.toJson(epoch(2, 1, 2)).encode());

        assertThat(new ConfigurationStore(dir).loadState()).isEqualTo(AcceptorState.of(epoch(2, 1, 2)));
    }

    @Test
    void an_accepted_epoch_below_the_stored_one_is_refused_and_a_bad_ballot_is_corrupt() throws Exception {
        ConfigurationStore store = new ConfigurationStore(dir);
        store.save(epoch(5, 1, 2));

        assertThatThrownBy(() -> store.save(new AcceptorState(new Ballot(9, "m3"), new Ballot(9, "m3"),
                epoch(4, 1)))).hasMessageContaining("never decreases");

        Files.writeString(dir.resolve(ConfigurationStore.FILE_NAME), "{\"epoch\": 0, \"chain\": [],"
                + " \"promised\": \"x/m1\"}");
        assertThatThrownBy(() -> new ConfigurationStore(dir).loadState()).hasMessageContaining("corrupt");
    }
}
