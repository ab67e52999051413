"""Citizen intake: validation, sanitising and filing of complaints."""
