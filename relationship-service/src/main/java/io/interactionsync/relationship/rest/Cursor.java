package io.interactionsync.relationship.rest;

import io.interactionsync.relationship.repository.QueryRepository;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Opaque keyset cursor: base64url of {@code <asOf epoch ms>|<effective key>|<contact>}. Every page of one listing is
 * computed as of the first page's time, so strengths that decay between two requests never reorder the pages.
 */
record Cursor(Instant asOf, double key, String contact) {

    String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (asOf.toEpochMilli() + "|" + key + "|" + contact).getBytes(StandardCharsets.UTF_8));
    }

    QueryRepository.After after() {
        return new QueryRepository.After(key, contact);
    }

    static Cursor decode(String raw) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(raw.strip()), StandardCharsets.UTF_8);
            int first = s.indexOf('|');
            int second = s.indexOf('|', first + 1);
            double key = Double.parseDouble(s.substring(first + 1, second));
            String contact = s.substring(second + 1);
            if (Double.isNaN(key) || contact.isEmpty()) {
                throw new IllegalArgumentException();
            }
            return new Cursor(Instant.ofEpochMilli(Long.parseLong(s.substring(0, first))), key, contact);
        } catch (RuntimeException e) {
            throw new ProblemException(Problem.badRequest("invalid_cursor", "cursor is not one this API returned"));
        }
    }
}
