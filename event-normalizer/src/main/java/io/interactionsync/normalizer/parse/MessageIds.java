package io.interactionsync.normalizer.parse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Message identity across mailboxes (R-E1). */
public final class MessageIds {

    /** Prefix of synthetic ids, so they are recognisable and never equal a real Message-ID. */
    public static final String SYNTHETIC_PREFIX = "synthetic:";

    private static final java.util.regex.Pattern BRACKETED = java.util.regex.Pattern.compile("<([^<>\\s]+)>");

    private MessageIds() {
    }

    /** The Message-ID with whitespace and surrounding angle brackets trimmed, case preserved; null when blank. */
    public static String trim(String messageId) {
        if (messageId == null) {
            return null;
        }
        String v = messageId.strip();
        if (v.startsWith("<")) {
            v = v.substring(1);
        }
        if (v.endsWith(">")) {
            v = v.substring(0, v.length() - 1);
        }
        v = v.strip();
        return v.isEmpty() ? null : v;
    }

    /**
     * A synthetic id for a message without Message-ID (R-E1): a hash of From, Date and the sorted To/Cc keys, salted
     * with the mailbox so that it is never merged across mailboxes. Unlike NORMALIZATION-RULES' hash, the Subject is
     * left out: subject lines are neither requested from the providers nor read (issue 17). Two messages without
     * Message-ID from one sender, in one second, to the same recipients would share the id — only their
     * internetMessageId (events stay apart: uniqueness is per remoteId), and only a team-level merge would read it,
     * which never merges synthetic ids.
     */
    public static String synthetic(String mailbox, String from, String date, List<String> recipientKeys) {
        String material = String.join("\u0000", Objects.toString(mailbox, ""), Objects.toString(from, ""),
                Objects.toString(date, ""), recipientKeys.stream().sorted().collect(Collectors.joining(",")));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return SYNTHETIC_PREFIX + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** All message ids referenced by an In-Reply-To or References header, trimmed. */
    public static List<String> references(String header) {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        java.util.ArrayList<String> ids = new java.util.ArrayList<>();
        java.util.regex.Matcher m = BRACKETED.matcher(header);
        while (m.find()) {
            ids.add(m.group(1));
        }
        if (ids.isEmpty()) {
            for (String token : header.strip().split("\\s+")) {
                String t = trim(token);
                if (t != null) {
                    ids.add(t);
                }
            }
        }
        return ids;
    }
}
