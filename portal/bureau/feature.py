"""The bureau desk: complaints routed to an officer's bureau, replies and resolutions."""

from flask_babel import lazy_gettext as _l

from portal.bureau import replies
from portal.bureau.api import API_DOCS, bureau_api
from portal.bureau.pages import bureau_desk
from portal.domain import Role
from portal.features import Desk, Feature

FEATURE = Feature(
    name="bureau",
    pages=(bureau_desk,),
    apis=(bureau_api,),
    timeline=replies.TIMELINE,
    public_sections={"reply_quality": replies.quality_section},
    public_sections_many={"reply_quality": replies.quality_sections},
    desks=(Desk("bureau_desk.queue", _l("Bureau desk"), (Role.BUREAU,)),),
    api_docs=API_DOCS,
)
