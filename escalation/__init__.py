"""Escalation: misconduct cases with oversight bodies, deadlines, the sweep, and the public accountability record.

``escalation.rules`` and ``escalation.vocabulary`` are pure; ``escalation.feature`` declares what the app
installs.
"""
