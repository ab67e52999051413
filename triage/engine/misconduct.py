"""Does a complaint allege misconduct by officials, and which oversight body should look at it?

Pure rules over a lexicon, so staff can see exactly why a complaint was flagged (``evidence``) and a reviewer
can argue with each rule. The title is read with every sentence of the body:

- A **strong** phrase (受贿, 贪污, 吃拿卡要, 优亲厚友, 暗箱操作, 滥用职权 …) names misconduct that only people
  with public power commit, and counts wherever it appears.
- A **contextual** phrase (收了…红包, 克扣, 挪用, 索要, 关系户, 给了…亲戚, 不作为, 推诿, 踢皮球 …) is just as
  often said of employers, shops or property companies (克扣工资, 物业不作为), so it counts only when the title,
  its sentence or the one before names a public office or official (政府, 住建局, 村委, 书记, 城管, 工作人员 …),
  or, for embezzlement, public money (补助, 扶贫款, 专项资金 …).
  An office the citizen merely turns to (请相关部门处理, 投诉到市场监管局, 尊敬的王书记) does not count, and
  generic roles (领导, 工作人员, 负责人) do not count in a sentence about a company or shop.
  Decision: 物业不作为 alone is a service complaint for the housing bureau, not official misconduct, and is not
  flagged; 社区不作为 or 城管推诿 is (administrative inaction). Likewise a doctor's red envelope is flagged only
  with an official in the picture: hospital service complaints go to the health bureau.
- A phrase right after a negation (拒收红包, 没有收红包, 杜绝吃拿卡要), or a red envelope refused right after
  (包了红包，医生坚决不收), does not count.
- A citizen's own allegation always flags.

The track is ``discipline`` when the accused is a Party member or cadre (the allegation says so, or a flagged
complaint names a Party or cadre title other than as someone it turns to: 党员, 书记, 支书, 党委, 干部, 镇长 …)
and ``supervision`` otherwise (administrative staff, or an office's inaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from portal.domain import Allegation, PartyMembership, Track

FLAG_SCORE = 0.5
# At most this many phrases add up to the score: one allegation repeated is not more evidence.
SCORED_PHRASES = 3
# Body sentences read together with the title when judging a phrase in the title.
_TITLE_CONTEXT = 2
# Characters before a phrase that hold its subject (物业公司又不作为).
_SUBJECT_SPAN = 8

_CJK = "\u4e00-\u9fff"


@dataclass(frozen=True)
class MisconductSignal:
    """``flag`` and ``track`` decide; ``score`` ranks flags for review; ``evidence`` is shown to staff."""

    flag: bool
    track: Track
    score: float
    evidence: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Rule:
    kind: str
    strong: bool
    weight: float
    pattern: re.Pattern[str]


def _rules(kind: str, strong: bool, weight: float, patterns: str) -> list[_Rule]:
    return [_Rule(kind, strong, weight, re.compile(pattern)) for pattern in patterns.split()]


# Most phrases are plain words; the regular expressions let a few words stand between a verb and its object
# (收了开发商的购物卡和红包, 把工程给了书记的外甥).
_ENVELOPE = rf"[{_CJK}、]{{0,10}}?红包"
_RELATIVE = "亲戚|亲属|妻弟|外甥|侄子|堂兄弟|表兄弟|亲家|小舅子|妻子|老婆|儿子|女儿|弟弟|哥哥|家属|家人"
RULES: tuple[_Rule, ...] = tuple(
    _rules("bribery", True, 0.9, "受贿 索贿 行贿 贿赂 权钱交易 利益输送 收受礼金 吃回扣 收受.{0,6}?好处")
    + _rules(
        "bribery",
        False,
        0.7,
        f"收{_ENVELOPE} 塞{_ENVELOPE} 送{_ENVELOPE} 要{_ENVELOPE} 给{_ENVELOPE} 送礼 收礼 好处费 打点费 回扣 "
        "感谢费 保护费 购物卡 请客吃饭 收了?.{0,3}?好处 送了.{0,4}?[万千百]块 摆平",
    )
    + _rules("embezzlement", True, 0.9, "贪污 挪用公款 侵吞 中饱私囊 私分 虚报冒领 贪腐 小官巨贪")
    + _rules(
        "embezzlement",
        False,
        0.7,
        "挪用 挪作他用 克扣 截留 私吞 私收 侵占 冒领 套取 占为己有 统筹费 手续费 白条 不开票 没有票据 不给票据",
    )
    + _rules("extortion", True, 0.9, "吃拿卡要 敲诈勒索 乱摊派 白吃白喝")
    + _rules("extortion", False, 0.7, "索要 勒索 敲诈 摊派 刁难 私了 吃[^。]{0,8}?(?:不给钱|不付钱|没结过)")
    + _rules("favouritism", True, 0.85, "优亲厚友 暗箱操作 任人唯亲 徇私舞弊 徇私枉法")
    + _rules(
        "favouritism",
        False,
        0.7,
        f"关系户 走后门 照顾亲戚 (?:给|交给|包给|分给)了?[^，。]{{0,12}}?(?:{_RELATIVE}) "
        f"(?:老板|法人|负责人|承包人?)(?:实际上?)?是[^，。]{{0,16}}?的(?:{_RELATIVE}) "
        f"(?:{_RELATIVE})[^，。]{{0,6}}?(?:承包|中标|垄断)",
    )
    + _rules(
        "abuse_of_power",
        True,
        0.85,
        "滥用职权 以权谋私 以权压法 暴力执法 野蛮执法 公款吃喝 公车私用 保护伞 玩忽职守 通风报信",
    )
    + _rules(
        "abuse_of_power",
        False,
        0.65,
        "打击报复 恐吓 强拆 强行拆 强制拆 推倒 包庇 纵容 乱罚款 做了?手脚 偏袒 入股 干股 分红 伪造 造假",
    )
    + _rules("inaction", True, 0.6, "懒政 庸政 怠政")
    + _rules(
        "inaction",
        False,
        0.6,
        "不作为 乱作为 慢作为 推诿 踢皮球 置之不理 不闻不问 敷衍塞责 敷衍了事 推脱 没有?人管 没人敢管 "
        "无人过问 从来不查 没有下文",
    )
)

# Offices and officials with public power.
_OFFICE = re.compile(
    "政府|党委|党支部|党组|党工委|党总支|支部|书记|村支书|支书|人大代表|政协委员|村委|村干部|村组|村会计|村长|村主任|社区|"
    "街道|居委会|乡里|镇里|县里|区里|村里|乡镇|镇长|乡长|县长|区长|市长|局长|厅长|处长|科长|股长|所长|站长|"
    "干部|官员|公务员|公职人员|科员|办事员|窗口|执法|城管|交警|民警|警察|辅警|派出所|公安|法院|检察院|仲裁员|"
    "考官|部门|机关|校长|院长|分局|管理所|管理站|保障所|监测站|治超|运管|计生办|计生专干|专干|街道办|征收办|"
    "拆迁办|信访办|管委会|委员会|卫健委|发改委|教委|审批|"
    rf"[{_CJK}]{{1,10}}?局(?!面|势|部)"
)
# Roles that also exist in companies: they count only in a sentence that names no company or shop.
_GENERIC_ROLE = re.compile("领导|工作人员|负责人|(?<!班)主任|队长|队员|组长")
_PRIVATE = re.compile(
    "公司|物业|开发商|老板|商家|企业|工厂|厂家|店|酒店|超市|商场|中介|平台|银行|驾校|包工头"
)
# A company right before a phrase is its subject (公司截留, 物业都不作为), unless it owns the object (老板的好处费).
_PRIVATE_SUBJECT = re.compile(f"(?:{_PRIVATE.pattern})(?!的)[^的]{{0,3}}$")
_PUBLIC_MONEY = re.compile(
    "补助|补贴|奖励金|扶贫|低保|救济|救灾|专项资金|经费|公款|财政|征地款|补偿款|善款|保险费|公家|集体资产|村集体"
)
# Party members and cadres: misconduct by them goes to the Discipline Inspection Commission.
_PARTY_OR_CADRE = re.compile(
    "党员|书记|村支书|支书|党委|党支部|党组|党工委|党总支|干部|镇长|乡长|县长|区长|市长|局长|厅长|处长"
)
# Just before an office or title: the citizen turns to it, greets it or thanks it (请相关部门, 尊敬的王书记).
_ADDRESSED = re.compile("(?:请|求|望|建议|呼吁|向|找|致|到|让|感谢|尊敬的|敬爱的)[^，。！？、；,.!?;]{0,8}$")
_GREETING_AFTER = re.compile(r"^[，,]?(?:您好|你好|：|:)")
_NEGATION = re.compile("(?:不|没|没有|未|并未|从未|从不|拒|拒绝|杜绝|严禁|禁止|防止|不存在|无)$")
_REFUSED_AFTER = re.compile("^[^。]{0,10}?(?:不收|拒收|拒绝|退还|退回)")
_SENTENCE_BREAK = re.compile(r"[。！？；!?;\n]+")


def detect_misconduct(title: str, body: str, allegation: Allegation | None = None) -> MisconductSignal:
    """Flag, track, score and evidence for one complaint; see the module documentation for the rules."""
    sentences = [title, *(part for part in _SENTENCE_BREAK.split(body) if part.strip())]
    evidence: list[str] = []
    kinds: list[str] = []
    weights: list[float] = []
    cadres: list[str] = []
    for index, sentence in enumerate(sentences):
        # The title sums up the complaint, so it is read with the start of the body, and every sentence with it.
        nearby = sentences[: _TITLE_CONTEXT + 1] if index == 0 else [title, sentences[index - 1], sentence]
        context = "。".join(dict.fromkeys(nearby))
        # Who acts in the context is read only once a phrase matches: most sentences match none, and this
        # reading was most of the detector's cost.
        actors: list[str] | None = None
        public_money = False
        # Words already counted: 要送红包 is one phrase, not both 要…红包 and 送红包.
        taken: list[tuple[int, int]] = []
        for rule in RULES:
            for match in rule.pattern.finditer(sentence):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                if _negated(sentence, match):
                    continue
                if actors is None:
                    actors = _officials(context)
                    public_money = bool(_PUBLIC_MONEY.search(context))
                if not rule.strong and not _official_context(
                    sentence, match, actors, public_money, rule.kind
                ):
                    continue
                taken.append(match.span())
                _add(evidence, [match.group(), *actors])
                _add(kinds, [rule.kind])
                weights.append(rule.weight)
                # Who did it is usually named in the same sentence, the one before or the one after.
                around = "。".join(dict.fromkeys([context, *sentences[index + 1 : index + 2]]))
                _add(cadres, _named(around, _PARTY_OR_CADRE))
    missed = 1.0
    for weight in sorted(weights, reverse=True)[:SCORED_PHRASES]:
        missed *= 1.0 - weight
    score = 1.0 - missed
    if allegation is not None:
        evidence.insert(0, _describe(allegation))
        score = 1.0
    _add(evidence, cadres)
    return MisconductSignal(
        score >= FLAG_SCORE, _track(allegation, bool(cadres)), round(score, 4), evidence, kinds
    )


def _official_context(
    sentence: str, match: re.Match[str], actors: list[str], public_money: bool, kind: str
) -> bool:
    """Whether a contextual phrase is about people with public power (see the module documentation)."""
    subject = sentence[max(0, match.start() - _SUBJECT_SPAN) : match.start()]
    if _PRIVATE_SUBJECT.search(subject) and not _OFFICE.search(subject):
        return False  # 公司截留, 物业又不作为: a company did it, whoever else the complaint names
    return bool(actors) or (kind == "embezzlement" and public_money)


def _negated(sentence: str, match: re.Match[str]) -> bool:
    if _NEGATION.search(sentence[max(0, match.start() - 3) : match.start()]):
        return True
    return "红包" in match.group() and bool(_REFUSED_AFTER.search(sentence[match.end() :]))


def _named(text: str, pattern: re.Pattern[str]) -> list[str]:
    """What ``pattern`` finds in ``text``, except where the citizen turns to it, greets it or thanks it."""
    return [match.group() for match in pattern.finditer(text) if not _addressed(text, match)]


def _officials(text: str) -> list[str]:
    """Offices and officials that ``text`` talks about; generic roles only in sentences about no company."""
    found = _named(text, _OFFICE)
    for sentence in _SENTENCE_BREAK.split(text):
        if not _PRIVATE.search(sentence):
            found += _named(sentence, _GENERIC_ROLE)
    return found


def _addressed(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 10) : match.start()]
    return bool(_ADDRESSED.search(before) or _GREETING_AFTER.search(text[match.end() : match.end() + 3]))


def _add(items: list[str], new: list[str]) -> None:
    items.extend(item for item in dict.fromkeys(new) if item not in items)


def _track(allegation: Allegation | None, cadre_named: bool) -> Track:
    if allegation is not None:
        if allegation.party_member is PartyMembership.YES:
            return Track.DISCIPLINE
        if allegation.party_member is PartyMembership.NO:
            return Track.SUPERVISION
        if _PARTY_OR_CADRE.search(f"{allegation.accused_name or ''} {allegation.accused_unit or ''}"):
            return Track.DISCIPLINE
    return Track.DISCIPLINE if cadre_named else Track.SUPERVISION


_PARTY_WORDS = {PartyMembership.YES: "是", PartyMembership.NO: "否", PartyMembership.UNKNOWN: "不详"}


def _describe(allegation: Allegation) -> str:
    party = _PARTY_WORDS[allegation.party_member]
    parts = (allegation.accused_unit, allegation.accused_name)
    who = "，".join(part.strip() for part in parts if part and part.strip())
    return f"举报人指认：{who or '未写明'}（党员：{party}）"
