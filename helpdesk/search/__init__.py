"""Full-text search on the database's own engine, for tickets and help articles."""
