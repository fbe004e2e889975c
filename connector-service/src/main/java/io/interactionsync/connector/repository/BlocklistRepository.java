package io.interactionsync.connector.repository;

import io.interactionsync.connector.Blocklist;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class BlocklistRepository implements PanacheRepositoryBase<Blocklist, Blocklist.Key> {
}
