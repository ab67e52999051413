"""How good is a bureau's reply? Relevance, specificity, responsiveness, timeliness; form letters and deflections.

Pure: no Flask, no database. A reply is first stripped of its formulas: greetings, "your message is received",
"we reply as follows", thanks, dates, phone numbers, and the sentences that only pass the matter on ("已转X调查处理")
or send the citizen elsewhere ("请向…反映", "请咨询…", "建议走司法程序") or promise to consider it some day
("将充分论证研究"). What is left is what the reply actually says (``substance``).

- **deflection**: fewer than ``DEFLECTION_CHARS`` characters of substance and no action stated in them ("已安排…清理",
  "经查…"): nothing done, nothing answered.
- **boilerplate**: the substance (``BOILERPLATE_MIN_CHARS`` to ``BOILERPLATE_MAX_CHARS`` long) is a near copy (character 3-gram Jaccard >= ``BOILERPLATE_JACCARD``) of one of the
  bureau's replies to other complaints.
- **relevance**: the share of the complaint title's two-character terms that the reply mentions.
- **specificity**: concrete facts: dates, amounts with units, places, units named, the law or policy cited,
  actions taken (each kind counts once per occurrence, saturating at ``SPECIFICS_FOR_FULL_MARKS``).
- **responsiveness**: 0 for a deflection, else grows with the substance up to ``SUBSTANCE_FOR_FULL_MARKS``.
- **timeliness**: 1 on time, falling to 0 at ``LATE_DAYS_FOR_ZERO`` days late.
The score (0-100) weighs them 25/30/30/15. Thresholds were tuned with ``python -m bench.reply_quality`` on the
even rows of its hand-labelled sample and are measured on the odd rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

DEFLECTION_CHARS = 20
BOILERPLATE_JACCARD = 0.8
BOILERPLATE_MIN_CHARS = 12
# A long, specific reply sent again to a duplicate complaint is not a form letter: only short ones are.
BOILERPLATE_MAX_CHARS = 100
SPECIFICS_FOR_FULL_MARKS = 6
SUBSTANCE_FOR_FULL_MARKS = 120
LATE_DAYS_FOR_ZERO = 15

_NAME = (
    r"(?:网友|网民|市民|群众|尊敬的|亲爱的|来信人|广大网友)?[“\"]?(?:UU\d+|[\w*]{0,12})?[”\"]?(?:网友|朋友)?"
)
_FORMULAS = [
    rf"{_NAME}[：:，,]?(?:您|你)好[！!。，,：:]?",
    r"[“\"]?UU\d+[”\"]?[：:]?",
    r"(?:网友|网民朋友|尊敬的网友|亲爱的网友|来信人|网民)[：:，,]",
    r"(?:首先)?(?:非常)?感谢您?(?:的|对)?[^。！!]{0,40}?(?:关注|关心|支持|监督|信任|来信|留言|建议|问政|理解)[^。！!]{0,20}[。！!]?",
    r"(?:再次)?(?:谢谢|感谢来信|多谢)[^。！!]{0,20}[。！!]?",
    r"(?:您|你)?(?:的|所|们)?(?:反映|反应|咨询|提出|在[^。！!]{0,40}?)?(?:的)?(?:问题|情况|留言|来信|帖文|来帖|贴文|网帖|函件|诉求|建议|信件)?[^。！!，,]{0,20}?(?:我们|我办|我局)?(?:已|已经)?(?:收悉|收到|获悉|知悉|阅|受理)[！!。，,]?",
    r"(?:现将|现就|现对|现|特)?(?:有关|相关|具体|调查|处理|核实)?(?:情况|问题)?(?:回复|答复|回应|汇报)(?:如下)?[：:]?",
    r"特此(?:回复|答复)[！!。]?",
    r"祝您?[^。！!]{0,12}[。！!]",
    r"敬请(?:关注|留意|谅解)[^。！!]{0,20}[。！!]?",
    r"(?:\d{4}|二[〇0○零一二三四五六七八九十]{3})[年\-/.．][\d一二三四五六七八九十〇]{1,2}[月\-/.．][\d一二三四五六七八九十〇]{1,3}日?",
    r"\d{1,2}月\d{1,2}日",
    r"[（(]?(?:联系|咨询|服务)?(?:电话|热线)?[：:]?[\d\-－—*]{5,}[）)]?",
    r"链接[：:]?\S*",
    r"[A-Z]\d*[县市区]?[^\s。！!]{0,12}?(?:办公室|热线办公室|网宣办|人民政府|局|办事处)(?=$)",
]
# A clause (between 。！；？) of at most _SHORT_CLAUSE characters that matches one of these only passes the
# matter on, sends the citizen elsewhere, promises something some day, or declines: it is not substance.
_SHORT_CLAUSE = 60
_EMPTY_CLAUSES = [
    re.compile(r"转(?:交|至|给|到|办)?|交办|已交|发函|责成|通报"),  # passed on
    re.compile(
        r"(?:请|建议|可以?|您可|你可|具体)[^，,]{0,8}?(?:向|到|与|联系|咨询|致电|拨打|访问|走|依法|按照|直接|提供)"
    ),
    re.compile(
        r"(?:将|会|待|予以)[^，,]{0,16}?(?:考虑|研究|论证|调研|改进|回复|反馈|答复|调整|处理)"
    ),  # some day
    re.compile(
        r"不(?:属于|在)[^，,]{0,20}?(?:管辖|职责|职能|职权|范围)|不予受理|不再进入|无效信件"
    ),  # not ours
    re.compile(
        r"(?:未|没有)(?:提供|留下)|无法(?:核查|查实|得知|核实)|请(?:进一步)?(?:完善|提供)"
    ),  # tell us more
    re.compile(r"已(?:经)?(?:作了|进行过)?(?:回复|答复)|详情请|请点击"),  # answered elsewhere
]
_CLAUSE_END = re.compile(r"(?<=[。！!；;？?])")
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")

# An action taken, stated in the reply: a short reply that says one is not a deflection.
_ACTION = re.compile(
    r"经查|核实|现场|整改|责令|处罚|罚款|立案|约谈|拆除|清理|维修|修复|安装|更换|开工|竣工|"
    r"已(?:经)?(?:安排|组织|督促|通知|下达|实施|落实|解决|退还|退费|恢复|关停|取缔)"
)
_SPECIFICS = [
    re.compile(r"\d{4}年|\d{1,2}月(?:\d{1,2}日)?|\d{1,2}日"),  # dates
    re.compile(
        r"\d+(?:\.\d+)?\s*(?:米|公里|平方米|亩|元|万元|亿元|吨|户|人|名|栋|套|辆|个|处|次|天|小时|%|db|分贝)"
    ),
    re.compile(
        r"《[^》]{2,40}》|第[一二三四五六七八九十百\d]+条|规定|条例|办法|政策|标准"
    ),  # the law or policy
    re.compile(r"[\u4e00-\u9fff]{2,8}(?:路|街|巷|小区|村|镇|乡|社区|公园|学校|医院|广场|大道|桥)"),  # places
    re.compile(r"[\u4e00-\u9fff]{2,8}(?:局|办|队|所|站|中心|公司|委员会|街道)"),  # units named
    re.compile(
        r"经查|核实|现场|调查|整改|责令|处罚|罚款|立案|约谈|拆除|清理|维修|修复|安装|更换|完成|开工|竣工|"
        r"已(?:经)?(?:安排|组织|督促|要求|通知|下达|实施|落实|解决|处理|退还|退费|恢复|关停|取缔)"
    ),
]


@dataclass(frozen=True, slots=True)
class ReplyQuality:
    relevance: float
    specificity: float
    responsiveness: float
    timeliness: float
    score: int
    boilerplate: bool
    deflection: bool
    substance_chars: int

    @property
    def flagged(self) -> bool:
        return self.boilerplate or self.deflection

    def as_json(self) -> dict[str, object]:
        return {
            "score": self.score,
            "relevance": round(self.relevance, 2),
            "specificity": round(self.specificity, 2),
            "responsiveness": round(self.responsiveness, 2),
            "timeliness": round(self.timeliness, 2),
            "boilerplate": self.boilerplate,
            "deflection": self.deflection,
        }


def substance(text: str) -> str:
    """What the reply says once its formulas, hand-offs and referrals are taken out."""
    rest = re.sub(r"\s+", "", text)
    for pattern in _FORMULAS:
        rest = re.sub(pattern, "。", rest)
    kept = [
        clause
        for clause in _CLAUSE_END.split(rest)
        if len(clause) > _SHORT_CLAUSE or not any(pattern.search(clause) for pattern in _EMPTY_CLAUSES)
    ]
    return "".join(_WORD.findall("".join(kept)))


def is_deflection(said: str) -> bool:
    """Too little substance, unless what there is says what was done ("已安排环卫人员清理…")."""
    return len(said) < DEFLECTION_CHARS and not _ACTION.search(said)


def shingles(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 3] for i in range(max(0, len(text) - 2)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def is_boilerplate(said: str, others: Iterable[str]) -> bool:
    """Is the substance ``said`` a near copy of the substance of one of ``others``?"""
    if not BOILERPLATE_MIN_CHARS <= len(said) <= BOILERPLATE_MAX_CHARS:
        return False
    mine = shingles(said)
    return any(jaccard(mine, shingles(other)) >= BOILERPLATE_JACCARD for other in others)


def _terms(title: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", " ", title)
    return {word[i : i + 2] for word in han.split() for i in range(len(word) - 1)}


def assess_reply(
    text: str,
    *,
    complaint_title: str,
    complaint_body: str,
    other_replies: Iterable[str] = (),
    days_late: float = 0,
) -> ReplyQuality:
    """Assess a reply to a complaint; ``other_replies`` are the bureau's replies to other complaints (as sent)."""
    said = substance(text)
    deflection = is_deflection(said)
    boilerplate = is_boilerplate(said, (substance(other) for other in other_replies))
    terms = _terms(complaint_title) or _terms(complaint_body[:60])
    flat = re.sub(r"\s+", "", text)
    relevance = sum(term in flat for term in terms) / len(terms) if terms else 0.0
    found = sum(len(pattern.findall(said)) for pattern in _SPECIFICS)
    specificity = min(1.0, found / SPECIFICS_FOR_FULL_MARKS)
    responsiveness = 0.0 if deflection else min(1.0, len(said) / SUBSTANCE_FOR_FULL_MARKS)
    timeliness = max(0.0, 1 - max(0.0, days_late) / LATE_DAYS_FOR_ZERO)
    score = 100 * (0.25 * relevance + 0.3 * specificity + 0.3 * responsiveness + 0.15 * timeliness)
    if boilerplate:
        score = min(score, 40.0)
    return ReplyQuality(
        relevance=relevance,
        specificity=specificity,
        responsiveness=responsiveness,
        timeliness=timeliness,
        score=round(score),
        boilerplate=boilerplate,
        deflection=deflection,
        substance_chars=len(said),
    )
