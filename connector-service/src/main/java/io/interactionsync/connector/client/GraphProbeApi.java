package io.interactionsync.connector.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The one Graph call the connector makes: read at most one message id of a mailbox's Inbox (mail delta with
 * {@code $select=id} and a one-item page), to prove the signed-in user may read a shared mailbox. The base URL is
 * {@code connector.microsoft.graph-url}; the full Graph SDK stays out of the connector.
 */
@Produces(MediaType.APPLICATION_JSON)
public interface GraphProbeApi {

    @GET
    @Path("/users/{address}/mailFolders/inbox/messages/delta")
    Response inboxDelta(@PathParam("address") String address, @QueryParam("$select") String select,
                        @HeaderParam("Authorization") String authorization, @HeaderParam("Prefer") String prefer);
}
