"""The support widget: the loader script, the frame, its JSON API and the customer page."""
