"""Promised updates: business hours, padded promise times (and, later, promises,
reminders and escalations)."""
