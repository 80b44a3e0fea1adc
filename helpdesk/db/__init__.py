"""Database infrastructure: transactions, and (moved here as they are) the SQLite and
PostgreSQL specifics, the data version and lazy migrations. Features import from here;
nothing here imports a feature."""
