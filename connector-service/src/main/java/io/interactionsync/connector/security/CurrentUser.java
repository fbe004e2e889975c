package io.interactionsync.connector.security;

import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The portal user of the current request, from the validated JWT. */
@RequestScoped
public class CurrentUser {

    public static final String ADMIN = "admin";

    private final JsonWebToken jwt;

    public CurrentUser(JsonWebToken jwt) {
        this.jwt = jwt;
    }

    /** The JWT {@code sub}: the user id accounts are owned by. */
    public String id() {
        String sub = jwt.getSubject();
        if (sub == null || sub.isBlank()) {
            throw new io.quarkus.security.UnauthorizedException("token has no subject");
        }
        return sub;
    }

    public String email() {
        return jwt.getClaim("email");
    }
}
