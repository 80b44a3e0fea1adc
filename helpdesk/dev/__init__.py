"""Development and benchmark tooling, never part of a request in production: the demo data
(`flask helpdesk demo`), the generated benchmark data (`flask helpdesk generate`) and the
benchmark's baseline routes (registered only with `HELPDESK_BENCH=1`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """The benchmark's baseline routes, only when `BENCH_ROUTES` is on (bench/run sets
    HELPDESK_BENCH=1); never otherwise."""
    if not app.config.get("BENCH_ROUTES"):
        return ()
    from helpdesk.dev.bench_routes import bp as bench_routes

    return (bench_routes,)
