"""Email: outbound mail goes through the `Outbox` table (`outbox.py` claims and sends rows
over SMTP from `smtp.py`; `events.py` holds one enqueue function per email kind, rendered by
`compose.py`); `addresses.py` signs per-ticket reply addresses; inbound mail lives in
`inbound*.py`. `views.py` is the admin-only development mail viewer."""
