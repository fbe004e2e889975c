package io.interactionsync.deploy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Linux /proc readings of other processes. */
final class ProcStats {

    /** USER_HZ: /proc/<pid>/stat counts CPU time in clock ticks of 1/100 s on Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    /** VmRSS of {@code pid} in bytes, or -1 once it has ended. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // ended meanwhile
        }
        return -1;
    }

    /** utime + stime of {@code pid} in seconds (all its threads), or -1 once it has ended. */
    static double cpuSeconds(long pid) {
        return cpuSeconds(Path.of("/proc", Long.toString(pid)));
    }

    /** utime + stime from {@code dir}/stat (a process's or one thread's), or -1 once it has ended. */
    private static double cpuSeconds(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            // fields after "(comm)": state is field 3, utime field 14, stime field 15 (1-based, proc(5))
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU seconds of {@code pid}'s live threads, summed by thread name without its trailing number ("GC Thread#",
     * "executor-thread-"; "C1/C2 CompilerThre" stay apart; Linux keeps 15 characters of a name), largest first.
     * Threads that ended are not listed.
     */
    static List<Map.Entry<String, Double>> cpuSecondsByThread(long pid) {
        Map<String, Double> byName = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip().replaceAll("\\d+$", "");
                    double cpu = cpuSeconds(Path.of("/proc", Long.toString(pid), "task", t.getFileName().toString()));
                    byName.merge(name, Math.max(0, cpu), Double::sum);
                } catch (IOException e) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return byName.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).toList();
    }

    /**
     * CPU seconds of every PostgreSQL process (comm {@code postgres*}: postmaster, backends, walwriter,
     * checkpointer, autovacuum…). Backends that ended meanwhile are not counted, so compare readings taken while
     * the same connections are open.
     */
    static double postgresCpuSeconds() {
        double total = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readString(d.resolve("comm")).startsWith("postgres")) {
                        double cpu = cpuSeconds(Long.parseLong(name));
                        total += Math.max(0, cpu);
                    }
                } catch (IOException e) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    /** The child process of this JVM whose command line contains {@code marker} (e.g. its main class or jar). */
    static Optional<ProcessHandle> child(String marker) {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(p.pid()).contains(marker)).findFirst();
    }

    /** /proc/<pid>/cmdline (ProcessHandle.Info leaves it out for long command lines such as Kafka's classpath). */
    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
