"""Open311 GeoReport v2 under /open311/v2, with ``flask open311`` for api keys."""

from portal.features import Feature
from portal.open311 import open311_bp
from portal.open311.cli import open311_cli
from portal.open311.responses import PREFIX, error_in_spec_format

# Filing is authenticated by api_key in form posts from other servers, never by cookies: exempt from CSRF.
FEATURE = Feature(
    name="open311", apis=(open311_bp,), commands=(open311_cli,), error_formats={PREFIX: error_in_spec_format}
)
