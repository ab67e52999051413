"""Operations: ``/healthz``, ``/readyz``."""

from portal.features import Feature
from portal.ops.health import health_pages

FEATURE = Feature(name="ops", pages=(health_pages,))
