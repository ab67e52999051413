"""Open311 GeoReport v2 under /open311/v2: services, service definitions, requests (read and file), tokens.

Follows the frozen v2 specification (open311.github.io ``GeoReport_v2``) with the community's pagination and
media-upload extensions. Reading is public; filing needs an ``api_key`` (``flask open311 create-key NAME``).
The JSON of every answer is described by the schemas in ``portal/open311/schemas``.
"""

from flask import Blueprint

from portal.http.api import refuse_cross_site_writes

open311_bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
# Partner servers post here; a browser posting for another site's page never may.
open311_bp.before_request(refuse_cross_site_writes)

from portal.open311 import views  # noqa: E402,F401  - routes register on open311_bp
