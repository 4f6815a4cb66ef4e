package io.catena.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogFormatTest {

    @Test
    void json_puts_one_object_per_line_with_the_processes_id_epoch_and_role_and_the_formatted_message()
            throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            context.putProperty("node", "n7");
            context.putProperty("epoch", "3");
            context.putProperty("role", "tail");
            LogFormat.JSON.apply();
            LoggerFactory.getLogger("io.catena.test").warn("lost link to {}", "n8");
        } finally {
            System.setOut(stdout);
            context.reset();
            new ContextInitializer(context).autoConfig();
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonObject line = new JsonObject(lines[0]);
        assertThat(line.getString("level")).isEqualTo("WARN");
        assertThat(line.getString("loggerName")).isEqualTo("io.catena.test");
        assertThat(line.getString("formattedMessage")).isEqualTo("lost link to n8");
        assertThat(line.getJsonObject("context").getJsonObject("properties").getMap())
                .containsEntry("node", "n7").containsEntry("epoch", "3").containsEntry("role", "tail");
    }

    @Test
    void the_setting_reads_text_or_json_from_the_environment_and_reports_anything_else() {
        assertThat(LogFormat.load(new SettingsSource(Map.of(), Map.of(), Map.of()))).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.load(new SettingsSource(Map.of(), Map.of("CATENA_LOG_FORMAT", "json"), Map.of())))
                .isEqualTo(LogFormat.JSON);
        SettingsSource bad = new SettingsSource(Map.of(), Map.of(), Map.of("logFormat", "xml"));
        LogFormat.load(bad);
        assertThatThrownBy(bad::throwIfInvalid).hasMessageContaining("logFormat must be one of [text, json]");
    }

    @Test
    void latency_buckets_step_1_2_5_5_per_decade_between_the_bounds() {
        assertThat(LatencyBuckets.of(250_000, 10_000_000)).extracting(java.time.Duration::toNanos)
                .containsExactly(250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L);
    }
}
