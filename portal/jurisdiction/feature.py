"""The jurisdiction: ``flask seed demo`` loads the demo province."""

from portal.features import Feature
from portal.jurisdiction.cli import seed_demo_command

FEATURE = Feature(name="jurisdiction", subcommands={"seed": (seed_demo_command,)})
