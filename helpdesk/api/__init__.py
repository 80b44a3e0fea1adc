"""The REST API under `/api/v1`: per-user tokens, JSON resources over the same services
as the web UI, an OpenAPI 3.1 description generated from the request/response models."""
