package io.interactionsync.emulator.generate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the RFC 5322 address lists the generator writes (quoted names with commas, RFC 2047 encoded words,
 * bare addresses, groups such as {@code undisclosed-recipients:;}) back into (name, address) pairs, the way
 * Exchange presents them in Graph's {@code emailAddress} objects.
 */
final class AddressParser {

    record Mailbox(String name, String address) {
    }

    private static final Pattern ENCODED = Pattern.compile("=\\?([^?]+)\\?([BbQq])\\?([^?]*)\\?=");

    private AddressParser() {
    }

    static List<Mailbox> parse(String header) {
        List<Mailbox> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean escaped = false;
        int angle = 0;
        for (char c : header.toCharArray()) {
            if (escaped) {
                current.append(c);
                escaped = false;
                continue;
            }
            if (c == '\\' && quoted) {
                current.append(c);
                escaped = true;
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                angle++;
            } else if (!quoted && c == '>') {
                angle--;
            }
            if (!quoted && angle == 0 && (c == ',' || c == ';')) {
                add(out, current.toString());
                current.setLength(0);
            } else if (!quoted && angle == 0 && c == ':') {
                current.setLength(0); // group name
            } else {
                current.append(c);
            }
        }
        add(out, current.toString());
        return out;
    }

    private static void add(List<Mailbox> out, String part) {
        String text = part.trim();
        if (text.isEmpty()) {
            return;
        }
        int lt = text.lastIndexOf('<');
        if (lt >= 0 && text.endsWith(">")) {
            String address = text.substring(lt + 1, text.length() - 1).trim();
            String name = text.substring(0, lt).trim();
            if (name.startsWith("\"") && name.endsWith("\"") && name.length() >= 2) {
                name = name.substring(1, name.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            out.add(new Mailbox(decode(name).isEmpty() ? address : decode(name), address));
        } else if (text.contains("@")) {
            out.add(new Mailbox(text, text));
        }
    }

    /** Decodes RFC 2047 encoded words (UTF-8, B and Q). */
    static String decode(String text) {
        Matcher m = ENCODED.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String payload = m.group(3);
            byte[] bytes;
            if (m.group(2).equalsIgnoreCase("B")) {
                bytes = Base64.getDecoder().decode(payload);
            } else {
                java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < payload.length(); i++) {
                    char c = payload.charAt(i);
                    if (c == '_') {
                        buffer.write(' ');
                    } else if (c == '=' && i + 2 < payload.length()) {
                        buffer.write(Integer.parseInt(payload.substring(i + 1, i + 3), 16));
                        i += 2;
                    } else {
                        buffer.write(c);
                    }
                }
                bytes = buffer.toByteArray();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(new String(bytes, StandardCharsets.UTF_8)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
