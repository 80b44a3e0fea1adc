"""Product events in and each customer's usage health."""
