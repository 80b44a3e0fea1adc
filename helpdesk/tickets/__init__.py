"""Tickets: the agent inbox (and, as it grows, the ticket page and its actions)."""
