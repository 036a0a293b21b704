#!/bin/sh
# One-shot: creates Temporal's two databases and brings their schemas up to the version the
# pinned admin-tools image ships. Safe to run on every `docker compose up`: an existing
# database is kept, and update-schema applies only the versions that are missing.
set -eu
: "${POSTGRES_SEEDS:?}" "${DB_PORT:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"

schemas=/etc/temporal/schema/postgresql/v12
sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"; }

for pair in temporal:temporal temporal_visibility:visibility; do
  database=${pair%%:*}
  schema=${pair##*:}
  echo "temporal schema setup: $database"
  sql --db "$database" create || echo "$database already exists"
  # Creates the schema_version bookkeeping on a new database; fails harmlessly on an existing one.
  sql --db "$database" setup-schema -v 0.0 || echo "$database is already set up"
  # The versioned/ folder itself: pointed at its parent, update-schema finds nothing and exits 0.
  sql --db "$database" update-schema -d "$schemas/$schema/versioned"
done
echo "temporal schema setup: done"
