"""Background jobs: ``flask jobs worker``."""

from portal.features import Feature
from portal.jobs.cli import worker_command

FEATURE = Feature(name="jobs", subcommands={"jobs": (worker_command,)})
