"""The web layer the views share: who the staff member is (`current`), URL converters
(`converters`), lookups that answer 404 (`lookups`), running a use case and mapping its
domain errors to status codes (`use_case`), page-or-fragment rendering (`htmx_render`),
the JSON APIs' common error handler and cache headers (`json_api`), `Idempotency-Key`
records (`idempotency`), error pages, static files, navigation and request limits."""
