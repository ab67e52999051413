"""Triage: the classifier that routes complaints, and the desk where staff handle what it is unsure about.

``triage.engine`` is pure (no Flask); ``triage.feature`` declares what the app installs.
"""
