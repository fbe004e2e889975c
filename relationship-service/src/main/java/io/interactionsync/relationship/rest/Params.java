package io.interactionsync.relationship.rest;

import java.util.Locale;

/** Query parameter parsing shared by the resources: problem+json 400 {@code invalid_parameter} on bad input. */
final class Params {

    private Params() {
    }

    static int limit(String raw, int defaultLimit, int maxLimit) {
        if (raw == null || raw.isBlank()) {
            return defaultLimit;
        }
        try {
            int n = Integer.parseInt(raw.strip());
            if (n >= 1 && n <= maxLimit) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad("limit must be an integer from 1 to " + maxLimit);
    }

    /** An address as the events store contacts: trimmed, lower-cased. */
    static String contact(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String s = raw.strip().toLowerCase(Locale.ROOT);
        int at = s.indexOf('@');
        if (at < 1 || at != s.lastIndexOf('@') || at == s.length() - 1) {
            throw bad("contact must be an e-mail address");
        }
        return s;
    }

    static Double strength(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            double v = Double.parseDouble(raw.strip());
            if (v >= 0 && v <= 100) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad("minStrength must be a number from 0 to 100");
    }

    static ProblemException bad(String detail) {
        return new ProblemException(Problem.badRequest("invalid_parameter", detail));
    }
}
