package io.interactionsync.relationship.rest;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Thrown by resources; rendered as {@code application/problem+json}. */
public class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** Renders {@link ProblemException}. */
    @Provider
    public static class Mapper implements ExceptionMapper<ProblemException> {
        @Override
        public Response toResponse(ProblemException e) {
            return Response.status(e.problem().status()).type(Problem.MEDIA_TYPE).entity(e.problem()).build();
        }
    }
}
