"""Staff authentication: login, logout, sessions that can be ended, and access control."""
