"""Hot issues: complaints of a window grouped by problem and place, ranked by heat, on /hot and in the API."""

from flask_babel import lazy_gettext as _l

from portal.features import Feature, NavLink
from portal.hot.api import API_DOCS, hot_api
from portal.hot.pages import hot_pages

FEATURE = Feature(
    name="hot",
    pages=(hot_pages,),
    apis=(hot_api,),
    public_nav=(NavLink("hot.page", _l("Hot issues"), _l("Hot")),),
    api_docs=API_DOCS,
)
