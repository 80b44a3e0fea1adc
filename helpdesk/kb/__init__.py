"""The knowledge base: articles staff write and publish, and the public help centre."""
