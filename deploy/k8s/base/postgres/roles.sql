-- One PostgreSQL role per service schema (issue 17). Each service logs in as its own role, which owns its schema
-- (Flyway creates and migrates the tables there) and has no right on any other schema or on `public`.
--   role                     schema          Secret (keys username, password)
--   connector_service        connector       connector-service-db
--   google_sync_service      google_sync     google-sync-service-db
--   microsoft_sync_service   microsoft_sync  microsoft-sync-service-db
--   event_normalizer         normalizer      event-normalizer-db
--   relationship_service     relationship    relationship-service-db
-- Run as the database owner or a superuser (the Job postgres-roles does):
--   psql -v ON_ERROR_STOP=1 -v db=interaction_sync -v connector_password=… -v google_sync_password=… \
--        -v microsoft_sync_password=… -v normalizer_password=… \
--        -v relationship_password=… -f roles.sql
-- Idempotent: a re-run sets the passwords again and moves to each role what its schema holds (a database migrated
-- by the former shared user keeps its data).

SELECT format('CREATE ROLE %I', r) FROM unnest(ARRAY['connector_service', 'google_sync_service',
        'microsoft_sync_service', 'event_normalizer', 'relationship_service']) AS r
    WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec

ALTER ROLE connector_service WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS PASSWORD :'connector_password';
ALTER ROLE google_sync_service WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS PASSWORD :'google_sync_password';
ALTER ROLE microsoft_sync_service WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS PASSWORD :'microsoft_sync_password';
ALTER ROLE event_normalizer WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS PASSWORD :'normalizer_password';
ALTER ROLE relationship_service WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS PASSWORD :'relationship_password';

-- Nobody but these roles (and the owner) connects; nobody creates objects in public.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO connector_service, google_sync_service, microsoft_sync_service, event_normalizer,
    relationship_service;
REVOKE ALL ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS connector AUTHORIZATION connector_service;
CREATE SCHEMA IF NOT EXISTS google_sync AUTHORIZATION google_sync_service;
CREATE SCHEMA IF NOT EXISTS microsoft_sync AUTHORIZATION microsoft_sync_service;
CREATE SCHEMA IF NOT EXISTS normalizer AUTHORIZATION event_normalizer;
CREATE SCHEMA IF NOT EXISTS relationship AUTHORIZATION relationship_service;

-- Schemas, tables, views and free-standing sequences created before (by a shared user) move to the schema's role;
-- a table's own sequences follow their table. Nobody else keeps a grant on them.
DO $$
DECLARE
    s record;
    o record;
BEGIN
    FOR s IN SELECT * FROM (VALUES ('connector', 'connector_service'), ('google_sync', 'google_sync_service'),
            ('microsoft_sync', 'microsoft_sync_service'), ('normalizer', 'event_normalizer'),
            ('relationship', 'relationship_service')) AS v(schema, role) LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO %I', s.schema, s.role);
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', s.schema);
        FOR o IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = s.schema AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                  AND d.deptype IN ('a', 'i')) LOOP
            EXECUTE format('ALTER %s %I.%I OWNER TO %I',
                    CASE o.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                   ELSE 'TABLE' END, s.schema, o.relname, s.role);
        END LOOP;
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM PUBLIC', s.schema);
        EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM PUBLIC', s.schema);
    END LOOP;
END $$;
