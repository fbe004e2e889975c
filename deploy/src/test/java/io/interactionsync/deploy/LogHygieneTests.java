package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A guard over the services' sources (issue 17, PII hygiene): no log statement at INFO or above passes an address-like
 * value (an email, a mailbox, an address, a UPN, a contact) or free text that may quote one (an exception message, a
 * provider error, a request path) unless through {@code LogSafe} (common-model), which hashes or redacts it. A null
 * check ({@code mailbox() == null ? … : …}) is no value. {@code LogPrivacyIT} (microsoft-sync) checks the real lines.
 */
class LogHygieneTests {

    static final List<String> MODULES = List.of("connector-service", "google-sync-service", "microsoft-sync-service",
            "event-normalizer", "sync-core");
    static final Pattern LOG_CALL = Pattern.compile("\\b(?:Log|LOG|log)\\.(?:info|warn|error)[fv]?\\(");
    static final Pattern RISKY = Pattern.compile(
            "[\\w.]*(?i:email|mailbox|address|upn|contact|getMessage|providerError|getPath)\\w*(?:\\(\\))?");

    @Test
    void shouldPassNoAddressToAnInfoOrHigherLogUnlessThroughLogSafe() throws IOException {
        List<String> findings = new ArrayList<>();
        int statements = 0;
        for (String module : MODULES) {
            try (Stream<Path> files = Files.walk(Path.of("..", module, "src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    Matcher m = LOG_CALL.matcher(source);
                    while (m.find()) {
                        statements++;
                        String code = arguments(source, m.end() - 1);
                        Matcher risky = RISKY.matcher(code);
                        while (risky.find()) {
                            findings.add(file.getFileName() + ":" + line(source, m.start()) + " " + risky.group());
                        }
                    }
                }
            }
        }
        assertThat(statements).as("log statements found").isGreaterThan(50);
        assertThat(findings).isEmpty();
    }

    /** The call's argument list from its opening parenthesis, string literals emptied, LogSafe calls and null checks out. */
    private static String arguments(String source, int open) {
        int depth = 0;
        int i = open;
        StringBuilder code = new StringBuilder();
        for (; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '"') {
                code.append("\"\"");
                for (i++; source.charAt(i) != '"'; i++) {
                    if (source.charAt(i) == '\\') {
                        i++;
                    }
                }
                continue;
            }
            code.append(c);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                break;
            }
        }
        String s = code.toString();
        String before;
        do {
            before = s;
            s = s.replaceAll("LogSafe\\.\\w+\\([^()]*(?:\\([^()]*\\)[^()]*)*\\)", "SAFE");
        } while (!s.equals(before));
        return s.replaceAll("[\\w.]+(?:\\(\\))?\\s*[!=]=\\s*null", "NULL_CHECK");
    }

    private static int line(String source, int offset) {
        return (int) source.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }
}
