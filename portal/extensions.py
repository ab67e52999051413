"""Flask extensions, created unbound so that nothing here imports the application.

Each is bound in :func:`portal.create_app` with ``init_app``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Explicit constraint names keep Alembic migrations deterministic and let SQLite's batch mode
# drop or alter constraints by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# The base class of every model. Flask-SQLAlchemy builds ``db.Model`` at run time, which a type checker cannot
# follow; to it, models are plain declarative classes of ``Base``.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


class PerAppLimiter(Limiter):
    """Flask-Limiter remembers on the extension object, not per app, that its storage stopped answering. An app
    made after one whose Redis was down would count in the memory fallback, then switch to its own storage at
    the next back-off re-check and forget every hit so far (five guesses at a password, say)."""

    def init_app(self, app: Flask) -> None:
        self._storage_dead = False
        super().init_app(app)


# Keyed by client address; behind a reverse proxy set TRUSTED_PROXIES so ProxyFix supplies the real one.
limiter = PerAppLimiter(key_func=get_remote_address, default_limits=[])
