package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.interactionsync.deploy.soak.Soak;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The one-minute chaos soak in CI (issue 18 item 7): {@link Soak} on the packaged local stack (its ports 8081-8085,
 * 8090, 9081-9085, Kafka 9092/9093 and database {@code interaction_sync}: it runs alone) with small mailboxes — a
 * fault-free baseline, then a minute of kill -9 (services and broker, restarted by the stack's supervisor), provider
 * faults, expired cursors, a revocation and reconnect, omitted items and malformed raw records; the final event set
 * must equal the baseline's, so must relationship-service's ties, and every malformed record is accounted for
 * (dead-lettered with a code and a reason, or processed within the recipient cap). The kill queue puts the broker
 * second, so the minute kills a service and the broker. Logs:
 * {@code .local/soak/} at the repository root.
 */
class SoakIT {

    @Test
    void aMinuteOfChaosEndsWithTheSameEventsAsTheFaultFreeRunAndEveryBadRecordAccountedFor() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(new Tee(System.out, printed), true, StandardCharsets.UTF_8);
        Soak.Options options = Soak.Options.parse(new String[] {"--minutes", "1", "--users", "1",
                "--microsoft-users", "1", "--messages", "60", "--months", "6", "--bad", "2000", "--fan-out", "1"});

        Soak.Result result = new Soak(options, root, both).run();
        both.println(result.line());

        // The kill queue is a service, then the broker (Soak.killQueue): a minute holds both.
        assertThat(result.killed()).as("kill -9 of the broker and of at least one service in a minute")
                .containsKey("kafka").hasSizeGreaterThanOrEqualTo(2);
        assertThat(result.recovered()).as("every killed process came back").isEqualTo(result.kills());
        assertThat(result.bad()).isEqualTo(2000);
        assertThat(result.unaccounted()).as("every malformed record dead-lettered with a code and a reason, or "
                + "processed within bounds").isZero();
        assertThat(result.dlq() + result.processed()).isEqualTo(result.bad());
        assertThat(result.relationships()).as("relationship-service's ties equal the fault-free run's").isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("kill -9 ").contains(" back (ready) in ")
                .contains("peak RSS (VmHWM): ");
        assertThat(result.line()).endsWith("missing=0 extra=0 duplicates=0 reclassified=0");
        assertThat(result.passed()).isTrue();
    }

    /** Prints to the console and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
