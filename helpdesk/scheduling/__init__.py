"""Scheduled work: the one list of jobs (`scheduling/jobs.py`), the APScheduler that runs them
(`scheduling/scheduler.py`) and the shared record of their runs (`runs.py`)."""
