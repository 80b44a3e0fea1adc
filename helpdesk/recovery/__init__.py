"""HEARD service recovery: complaint detection, the guided recovery and its phrases."""
