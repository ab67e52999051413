"""Duplicate links: the same problem filed twice, handled as one case (issue 16)."""
