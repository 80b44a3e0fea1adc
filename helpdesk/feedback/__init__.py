"""Customer feedback: one-click ratings of resolved tickets."""
