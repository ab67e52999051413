"""The API's own description, ``GET /api/v1/openapi.json``, and the site's icon."""

from portal.features import Feature
from portal.http.icons import icons
from portal.http.openapi import API_DOCS, openapi_api

FEATURE = Feature(name="api", apis=(openapi_api,), pages=(icons,), api_docs=API_DOCS)
