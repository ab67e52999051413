"""The API's own description, ``GET /api/v1/openapi.json``."""

from portal.features import Feature
from portal.http.openapi import API_DOCS, openapi_api

FEATURE = Feature(name="api", apis=(openapi_api,), api_docs=API_DOCS)
