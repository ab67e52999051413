"""The one place a request or a command commits.

Committing through here dispatches the jobs the transaction asked for, only after its data is durable.
"""

from __future__ import annotations

from portal import jobs
from portal.extensions import db


def commit() -> None:
    db.session.commit()
    jobs.dispatch_pending()
