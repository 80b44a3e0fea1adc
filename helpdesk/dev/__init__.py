"""Development and benchmark tooling, never part of a request in production: the demo data
(`flask helpdesk demo`), the generated benchmark data (`flask helpdesk generate`) and the
benchmark's baseline routes (registered only with `HELPDESK_BENCH=1`)."""
