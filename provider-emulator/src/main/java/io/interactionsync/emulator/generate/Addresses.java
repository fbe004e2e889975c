package io.interactionsync.emulator.generate;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/** RFC 5322 mailbox formatting with the quirks real mail carries (quoted commas, RFC 2047 encoded words). */
final class Addresses {

    private Addresses() {
    }

    static String mailbox(Person p) {
        return switch (p.style()) {
            case ADDRESS_ONLY -> p.email();
            case PLAIN -> needsQuoting(p.name()) ? quoted(p.name()) + " <" + p.email() + ">" : p.name() + " <" + p.email() + ">";
            case QUOTED -> quoted(p.name()) + " <" + p.email() + ">";
            case LAST_COMMA_FIRST -> quoted(lastCommaFirst(p.name())) + " <" + p.email() + ">";
            case ENCODED_WORD -> encodedWord(p.name()) + " <" + p.email() + ">";
        };
    }

    static String list(List<Person> people) {
        return people.stream().map(Addresses::mailbox).collect(Collectors.joining(", "));
    }

    static String lastCommaFirst(String name) {
        int space = name.lastIndexOf(' ');
        return space < 0 ? name : name.substring(space + 1) + ", " + name.substring(0, space);
    }

    private static boolean needsQuoting(String name) {
        for (char c : name.toCharArray()) {
            if ("()<>[]:;@\\,.\"".indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static String quoted(String name) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** {@code =?UTF-8?B?…?=} for non-ASCII names (Q encoding for mostly-ASCII ones), else a plain quoted name. */
    static String encodedWord(String name) {
        boolean ascii = name.chars().allMatch(c -> c < 128);
        if (ascii) {
            return quoted(name);
        }
        long nonAscii = name.chars().filter(c -> c >= 128).count();
        if (nonAscii * 4 < name.length()) {
            StringBuilder q = new StringBuilder("=?UTF-8?Q?");
            for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c == ' ') {
                    q.append('_');
                } else if (c >= 128 || c == '=' || c == '?' || c == '_' || c == '"' || c == ',') {
                    q.append('=').append(String.format("%02X", c));
                } else {
                    q.append((char) c);
                }
            }
            return q.append("?=").toString();
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /** An RFC 2047 encoded subject when it has non-ASCII characters. */
    static String subject(String subject) {
        return subject.chars().allMatch(c -> c < 128) ? subject
                : "=?UTF-8?B?" + Base64.getEncoder().encodeToString(subject.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
