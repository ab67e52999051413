"""Counting the SQL statements a request runs, so that an N+1 cannot come back unnoticed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import event

from portal.extensions import db

# The most queries any list page may run, whatever its length (issue 13).
MAX_QUERIES_PER_PAGE = 15


def queries_of(app: Flask, action: Callable[[], Any]) -> list[str]:
    """The statements ``action`` (a request through the test client) sent to the database."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return statements


def assert_flat(app: Flask, request: Callable[[], Any], grow: Callable[[], None]) -> int:
    """``request`` runs the same number of queries before and after ``grow`` adds many rows to what it lists,
    and no more than MAX_QUERIES_PER_PAGE. Returns that number."""
    request()  # warm: first-request work (sessions, caches) is not the list's cost
    few = queries_of(app, request)
    grow()
    many = queries_of(app, request)
    assert len(many) == len(few), "\n".join(
        ["queries grow with the rows listed:", *(f"+ {line}" for line in many if line not in few)]
    )
    assert len(many) <= MAX_QUERIES_PER_PAGE, "\n".join(many)
    return len(many)


def statements_with_parameters(app: Flask, action: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The statements ``action`` ran, each with its parameters (to EXPLAIN them)."""
    with app.app_context():
        engine = db.engine
    found: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        found.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return found


def postgres_plan(app: Flask, statement: str, parameters: Any) -> str:
    """PostgreSQL's plan for ``statement`` with sequential scans priced out: on a test-sized table the planner
    would rightly scan, so this asks which index serves the query once the table is large."""
    with app.app_context(), db.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + statement, parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.close()
        connection.rollback()
    return plan
