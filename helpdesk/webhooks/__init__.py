"""Signed webhooks: subscriptions (`service`), the SSRF check on their targets (`ssrf`),
events queued as outbox rows (`events`, with the shared JSON shapes in `payloads`),
sending (`delivery`) and the admin pages (`views`)."""
