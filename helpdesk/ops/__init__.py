"""Operational endpoints: the liveness check."""
