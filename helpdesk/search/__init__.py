"""Full-text search on the database's own engine, for tickets and help articles.

`terms` holds the rules both searches share (how a query becomes terms, LIKE patterns,
highlighting); `sqlite` (FTS5 trigram tables) and `postgresql` (tsvector and pg_trgm GIN
indexes) hold each engine's SQL; `tickets` (`search_hits`) and `articles`
(`article_search` and the help centre's lookups) are what features call.
"""
