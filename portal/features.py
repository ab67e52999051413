"""Features and how the factory installs them: everything a feature adds to an app, declared in one value.

Each feature package has a ``feature.py`` whose ``FEATURE`` lists its blueprints, commands, jobs, signal
receivers, timeline texts, status-page sections, navigation, API documentation, metrics and who else may see
contact details. :func:`install` puts one feature into one app; what the installed features contributed is kept
in that app's ``extensions`` and read back through :func:`installed`. Nothing here is process-wide, so two apps
built in one process (a full one and a portal-only one) share no state: each serves, documents and reacts to
exactly what it installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click
from flask import Blueprint, Flask, current_app
from flask.cli import AppGroup

from portal import jobs
from portal.extensions import csrf
from portal.signals import Subscription

if TYPE_CHECKING:
    from flask import Response
    from prometheus_client.metrics_core import Metric

    from portal.domain import Role
    from portal.models import Complaint, Event, StaffUser

EXTENSION_KEY = "fire_alarm.features"
# Command groups several features add to (``flask seed demo``, ``flask seed complaints``), made once per app.
SHARED_GROUPS: Mapping[str, str] = {"seed": "Load reference data.", "jobs": "Background jobs."}


@dataclass(frozen=True)
class Job:
    """A background job by name, on the ``main`` or the ``media`` queue, given ``timeout_seconds`` to finish;
    ``every_seconds`` also has the worker run it on a timer (without arguments).

    ``replaces`` lets a later feature take over an earlier one's job (triage classifies what the portal would
    otherwise send to a human)."""

    name: str
    handler: Callable[..., object]
    every_seconds: int | None = None
    replaces: bool = False
    queue: str = jobs.MAIN
    timeout_seconds: int = jobs.JOB_TIMEOUT_SECONDS
    # Without a queue (the embedded setup), run it on a thread of its own instead of in the request that asked.
    inline_in_background: bool = False


@dataclass(frozen=True)
class EventText:
    """How the public timeline words events of one kind; ``detail_key`` names the payload field whose text the
    public may read (a reply, a citizen's addition); ``notify`` makes it a change the complainant is told of
    (portal.notifications), when they asked to be."""

    describe: Callable[[Event], str]
    detail_key: str | None = None
    notify: bool = False


@dataclass(frozen=True)
class Desk:
    """A staff desk on the staff home page, for staff with one of ``roles`` (admins see every desk)."""

    endpoint: str
    label: object
    roles: tuple[Role, ...]


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: object
    short_label: object | None = None  # what a phone's one-row menu shows, when the label is long


@dataclass(frozen=True)
class ApiDocs:
    """OpenAPI paths (relative to /api/v1) and component schemas, written next to the routes they describe."""

    paths: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    schemas: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


SectionBuilder = Callable[["Complaint", str], Any]
StatusLabeller = Callable[["Complaint"], str | None]
# The same section for a whole list of complaints at once (desks, the API's lists): a few queries for the list,
# never one per complaint. Answers by complaint id.
SectionsBuilder = Callable[["Sequence[Complaint]", str], "Mapping[int, Any]"]
# Figures read when /metrics is scraped, inside the scraping request's app context (so ``db.session`` works):
# a function that yields prometheus_client metric families (``GaugeMetricFamily`` and the like), each named
# ``fire_alarm_<feature>_...``. A source that fails (its database is down) is logged and left out of that one
# scrape; the others are still served. See ``portal.ops.metrics``.
MetricsSource = Callable[[], Iterable["Metric"]]
# Whether a staff member may have a complaint's contact details revealed, beyond the portal's own rules.
ContactAccess = Callable[["StaffUser", "Complaint"], bool]
# Renders an error for a machine surface with a format of its own (Open311's error list): status, message.
ErrorFormat = Callable[[int, str], "Response"]


@dataclass(frozen=True)
class Feature:
    name: str
    pages: tuple[Blueprint, ...] = ()
    # Machine surfaces authenticated by tokens or keys, never by cookies: exempt from CSRF.
    apis: tuple[Blueprint, ...] = ()
    commands: tuple[click.Command, ...] = ()
    # Commands added to a group of SHARED_GROUPS, by group name.
    subcommands: Mapping[str, tuple[click.Command, ...]] = field(default_factory=dict)
    jobs: tuple[Job, ...] = ()
    receivers: tuple[Subscription[Any], ...] = ()
    timeline: Mapping[str, EventText] = field(default_factory=dict)
    # Named parts of the public view of a complaint, built by the feature that owns them.
    public_sections: Mapping[str, SectionBuilder] = field(default_factory=dict)
    # For lists: the same sections built for many complaints at once (every section of a list needs one).
    public_sections_many: Mapping[str, SectionsBuilder] = field(default_factory=dict)
    # Templates included on the public status page; they see ``complaint`` (the public view).
    track_partials: tuple[str, ...] = ()
    # What a complaint's status says when the feature holds it, not a bureau (e.g. a misconduct-only complaint
    # with the oversight body): a label, or None to leave the complaint's own.
    status_labels: tuple[StatusLabeller, ...] = ()
    public_nav: tuple[NavLink, ...] = ()
    desks: tuple[Desk, ...] = ()
    api_docs: ApiDocs = ApiDocs()
    template_globals: Mapping[str, Any] = field(default_factory=dict)
    # URL prefix -> how errors are rendered there.
    error_formats: Mapping[str, ErrorFormat] = field(default_factory=dict)
    metrics: tuple[MetricsSource, ...] = ()
    # Who else may reveal a complainant's contact details (portal.privacy.reveals decides for its own roles).
    contact_access: tuple[ContactAccess, ...] = ()
    # Run by a worker (inside the app context) before it takes its first job: load what every job needs
    # (a model, a dictionary) once per process instead of on the first job.
    warm_ups: tuple[Callable[[], None], ...] = ()


@dataclass
class Installed:
    """What the features installed in one app contributed, merged in installation order."""

    names: list[str] = field(default_factory=list)
    timeline: dict[str, EventText] = field(default_factory=dict)
    public_sections: dict[str, SectionBuilder] = field(default_factory=dict)
    public_sections_many: dict[str, SectionsBuilder] = field(default_factory=dict)
    track_partials: list[str] = field(default_factory=list)
    status_labels: list[StatusLabeller] = field(default_factory=list)
    public_nav: list[NavLink] = field(default_factory=list)
    desks: list[Desk] = field(default_factory=list)
    api_paths: dict[str, dict[str, Any]] = field(default_factory=dict)
    api_schemas: dict[str, Any] = field(default_factory=dict)
    error_formats: dict[str, ErrorFormat] = field(default_factory=dict)
    contact_access: list[ContactAccess] = field(default_factory=list)
    groups: dict[str, AppGroup] = field(default_factory=dict)
    metrics: list[MetricsSource] = field(default_factory=list)
    warm_ups: list[Callable[[], None]] = field(default_factory=list)


def installed(app: Flask | None = None) -> Installed:
    found: Installed = (app or current_app).extensions[EXTENSION_KEY]
    return found


def install(app: Flask, feature: Feature) -> None:
    """Put ``feature`` into ``app``: once, in the order the factory lists the features."""
    registry = app.extensions.setdefault(EXTENSION_KEY, Installed())
    if feature.name in registry.names:
        raise ValueError(f"feature {feature.name!r} is already installed")
    registry.names.append(feature.name)
    for blueprint in feature.pages:
        app.register_blueprint(blueprint)
    for blueprint in feature.apis:
        app.register_blueprint(blueprint)
        csrf.exempt(blueprint)
    for command in feature.commands:
        app.cli.add_command(command)
    for group_name, commands in feature.subcommands.items():
        group = registry.groups.get(group_name)
        if group is None:
            group = registry.groups[group_name] = AppGroup(group_name, help=SHARED_GROUPS[group_name])
            app.cli.add_command(group)
        for command in commands:
            group.add_command(command)
    for job in feature.jobs:
        jobs.register(
            app,
            job.name,
            job.handler,
            replace=job.replaces,
            queue=job.queue,
            timeout_seconds=job.timeout_seconds,
            inline_in_background=job.inline_in_background,
        )
        if job.every_seconds is not None:
            jobs.register_periodic(app, job.name, job.every_seconds)
    for subscription in feature.receivers:
        subscription.connect(app)
    registry.timeline.update(feature.timeline)
    registry.public_sections.update(feature.public_sections)
    registry.public_sections_many.update(feature.public_sections_many)
    registry.track_partials.extend(feature.track_partials)
    registry.status_labels.extend(feature.status_labels)
    registry.public_nav.extend(feature.public_nav)
    registry.desks.extend(feature.desks)
    for path, operations in feature.api_docs.paths.items():
        registry.api_paths.setdefault(path, {}).update(operations)
    registry.api_schemas.update(feature.api_docs.schemas)
    registry.error_formats.update(feature.error_formats)
    registry.metrics.extend(feature.metrics)
    registry.contact_access.extend(feature.contact_access)
    registry.warm_ups.extend(feature.warm_ups)
    app.jinja_env.globals.update(feature.template_globals)


def says(text: object) -> Callable[[Event], str]:
    """A timeline text that does not depend on the event (``text`` may be a lazy translation)."""

    def describe(_event: Event) -> str:
        return str(text)

    return describe
