"""Database infrastructure: transactions (`transaction`), the SQLite and PostgreSQL
specifics (`sqlite`, `postgresql`), claiming rows and opening transactions (`locking`),
`INSERT ... ON CONFLICT` (`upsert`), the data version (`data_version`) and lazy migrations
(`migrations`). Features import from here; nothing here imports a feature."""
