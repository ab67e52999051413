"""Complaint texts the seed model routes confidently (clear) or not at all (vague)."""

CLEAR_ENVIRONMENT = {
    "title": "化工厂夜间偷排废水，河水发黑发臭",
    "body": "A1区清水河上游的化工厂每天夜里偷偷排放污水，河水发黑发臭，鱼大量死亡，附近居民不敢开窗，请环保部门查处。",
}
VAGUE = {"title": "请领导关注一下", "body": "这个问题已经反映很多次了，希望有关部门重视，尽快解决。"}
