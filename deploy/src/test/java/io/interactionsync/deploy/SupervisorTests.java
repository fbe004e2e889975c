package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack's supervisor on real child processes ({@code sleep}, {@code false}): restart, back-off, crash loop. */
class SupervisorTests {

    @TempDir
    Path logs;

    @Test
    void aKilledChildIsRestartedWithTheSameCommandAndReportedReady() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Stack stack = new Stack(Path.of("."), logs);
        Supervisor supervisor = new Supervisor(stack, new PrintStream(printed, true, StandardCharsets.UTF_8), r -> { });
        ManagedProcess child = stack.adopt(ManagedProcess.start("sleeper", List.of("sleep", "600"), Map.of(),
                logs.resolve("sleeper.log")));
        try {
            supervisor.supervise(child, child::isAlive);
            long first = child.pid();
            child.kill();
            await().atMost(Duration.ofSeconds(15)).until(() -> child.isAlive() && child.pid() != first
                    && printed.toString(StandardCharsets.UTF_8).contains("sleeper restarted, ready in"));
            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .contains("sleeper exited with 137; restarting (restart 1) in 1.0 s");
            assertThat(supervisor.restarts("sleeper")).isEqualTo(1);
            assertThat(supervisor.failure()).isNull();
        } finally {
            supervisor.stop();
            stack.close();
        }
        assertThat(child.isAlive()).as("not restarted once the stack stops").isFalse();
    }

    @Test
    void aHeldChildStaysDownUntilReleasedThenComesBack() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Stack stack = new Stack(Path.of("."), logs);
        Supervisor supervisor = new Supervisor(stack, new PrintStream(printed, true, StandardCharsets.UTF_8), r -> { });
        ManagedProcess child = stack.adopt(ManagedProcess.start("replica", List.of("sleep", "600"), Map.of(),
                logs.resolve("replica.log")));
        try {
            supervisor.supervise(child, child::isAlive);
            long first = child.pid();
            supervisor.holdRestarts("replica");
            child.kill();
            // a restart would come after the 1 s back-off: it stays down well past that
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> !child.isAlive());
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("replica exited with 137; held down");
            assertThat(supervisor.restarts("replica")).isZero();

            supervisor.releaseRestarts("replica");
            await().atMost(Duration.ofSeconds(15)).until(() -> child.isAlive() && child.pid() != first
                    && printed.toString(StandardCharsets.UTF_8).contains("replica restarted, ready in"));
            assertThat(supervisor.restarts("replica")).isEqualTo(1);
        } finally {
            supervisor.stop();
            stack.close();
        }
    }

    @Test
    void aChildThatKeepsDyingIsACrashLoopAndTheSupervisorGivesUp() {
        Stack stack = new Stack(Path.of("."), logs);
        AtomicReference<String> gaveUp = new AtomicReference<>();
        Supervisor supervisor = new Supervisor(stack, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), gaveUp::set);
        ManagedProcess child = stack.adopt(ManagedProcess.start("crasher", List.of("false"), Map.of(),
                logs.resolve("crasher.log")));
        try {
            supervisor.supervise(child, () -> false);
            // Back-offs 1 + 2 + 4 + 8 + 16 s: the sixth exit comes within the 60 s window.
            await().atMost(Duration.ofSeconds(50)).until(() -> gaveUp.get() != null);
            assertThat(gaveUp.get()).contains("crasher exited with 1 after 5 restarts within 60 s: crash loop");
            assertThat(supervisor.failure()).isEqualTo(gaveUp.get());
            assertThat(supervisor.restarts("crasher")).isEqualTo(Supervisor.CRASH_LOOP_RESTARTS);
        } finally {
            stack.close();
        }
    }

    @Test
    void backOffDoublesUpToSixteenSeconds() {
        assertThat(List.of(1, 2, 3, 4, 5, 6).stream().map(Supervisor::backoff).map(Duration::toSeconds).toList())
                .containsExactly(1L, 2L, 4L, 8L, 16L, 16L);
    }

    @Test
    void everyServiceInstanceGetsAStableInstanceIdOfItsOwn() {
        assertThat(List.of(StackService.values()).stream().map(StackService::instanceName).toList())
                .containsExactly("connector", "google-sync", "microsoft-sync", "event-normalizer", "relationship");
    }
}
