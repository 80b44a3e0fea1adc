"""The team report: per person and for the whole team, over a date range, the figures a
coach looks at (satisfaction, first-reply and resolution times in business hours, service
levels, promises, recoveries, reopens), each linked to the tickets behind it and exported
as CSV. Built on the trends' range, drilldown, cache and CSV helpers
(`helpdesk.founders.trends`): `metrics.py` says what each number counts, `maths.py` holds
the arithmetic, `report.py` builds the table and `views.py` serves it."""
