"""URL converters the factory registers: `<id:name>` for a row id and `<number:name>` for a
ticket number, both ASCII-or-Unicode digits as werkzeug's `int` reads them, at most
`MAX_ID` (32-bit on PostgreSQL). A value out of range does not match the rule (404)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from helpdesk.forms import MAX_ID


class IdConverter(IntegerConverter):
    """`<id:article_id>`: the same as `<int(max=2147483647):article_id>`."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **{"max": MAX_ID, **kwargs})


class TicketNumberConverter(IdConverter):
    """`<number:number>`: a ticket's number (same range as an id)."""


def register_converters(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["number"] = TicketNumberConverter


def api_id(name: str) -> str:
    """`<int(max=2147483647):name>`, for the REST API: spectree writes the OpenAPI document
    from werkzeug's own converter names only (a custom one gets no schema), so its routes
    keep `int` with the same bound as `<id:…>` (the document shows it as the maximum)."""
    return f"<int(max={MAX_ID}):{name}>"
