package io.interactionsync.connector.provider.microsoft;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Classification of identity-platform errors by their AADSTS code (API-FACTS, Microsoft identity platform v2). */
final class MicrosoftErrors {

    /** tid of every personal Microsoft account (MSA). */
    static final String CONSUMER_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";

    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");
    /** Personal account on a work/school-only audience. */
    static final Set<String> PERSONAL = Set.of("AADSTS500208", "AADSTS500200");
    /** Consent missing or blocked by the tenant: AADSTS65001 (token endpoint), 90094/90095 (authorize). */
    static final Set<String> CONSENT = Set.of("AADSTS65001", "AADSTS90094", "AADSTS90095");
    /** Refresh token revoked, expired or inactive. */
    static final Set<String> GRANT_GONE = Set.of("AADSTS50173", "AADSTS70008", "AADSTS700082", "AADSTS54005",
            "AADSTS70000", "AADSTS9002313");
    /** The code_verifier does not match the code's code_challenge: the code came from another authorize request. */
    static final Set<String> PKCE = Set.of("AADSTS50148", "AADSTS501481");

    private MicrosoftErrors() {
    }

    /** The first {@code AADSTSnnn} in an error description, or null. */
    static String aadsts(String description) {
        if (description == null) {
            return null;
        }
        Matcher m = AADSTS.matcher(description);
        return m.find() ? m.group() : null;
    }
}
