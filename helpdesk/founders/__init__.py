"""The founders' area: escalations (what deserves a founder's attention, raised by the
other features' triggers), the review queue and its actions, and the founder settings."""
