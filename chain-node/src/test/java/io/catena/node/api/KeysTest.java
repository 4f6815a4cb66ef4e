package io.catena.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeysTest {

    @Test
    void a_key_is_the_percent_decoded_segment_in_utf8() {
        assertThat(Keys.decode("caf%C3%A9%2Fmenu+1").bytes())
                .isEqualTo("café/menu+1".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_key_of_511_bytes_is_accepted_and_512_refused() {
        assertThat(Keys.decode("k".repeat(511)).isValid()).isTrue();
        assertThat(Keys.decode("k".repeat(512)).problem()).contains("512 bytes");
        assertThat(Keys.decode("%41".repeat(512)).problem()).contains("512 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "%zz", "%4", "a%", "%C3%28", "%C0%AF", "%ED%A0%80", "%00", "a%0D%0Ab", "%7F",
            ".", "..", "%2E%2E", "a/b", "caf\u00c3\u00a9", "a b", "a\u0001"})
    void malformed_keys_are_refused_with_a_reason(String raw) {
        Keys.Decoded decoded = Keys.decode(raw);

        assertThat(decoded.isValid()).isFalse();
        assertThat(decoded.problem()).isNotBlank();
    }
}
