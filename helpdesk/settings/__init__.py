"""Admin settings: the team (staff accounts) for now; widget, phrases, hours and email later."""
