package io.interactionsync.connector.repository;

import io.interactionsync.connector.TeamCollection;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class CollectionRepository implements PanacheRepositoryBase<TeamCollection, String> {
}
