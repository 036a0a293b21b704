#!/bin/sh
# Runs once, when the PostgreSQL data volume is first initialised (docker-entrypoint-initdb.d).
# Temporal gets its own login role, allowed to create its two databases (temporal,
# temporal_visibility) and nothing else; CancelFlow's services use POSTGRES_USER and their
# own schemas in POSTGRES_DB. The password comes from the environment, never from this file.
set -eu
: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD must be set}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal WITH LOGIN CREATEDB PASSWORD :'password';
SQL
