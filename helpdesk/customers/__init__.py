"""Customers as the host site and integrations describe them (plan, value, VIP, locale)."""
