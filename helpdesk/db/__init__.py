"""Database infrastructure: transactions (`transaction`), the SQLite and PostgreSQL
specifics (`sqlite`, `postgresql`), the data version (`data_version`) and lazy migrations
(`migrations`). Features import from here; nothing here imports a feature."""
