"""Does a complaint allege misconduct by officials, and which oversight body should look at it?

Pure rules over a lexicon, so staff can see exactly why a complaint was flagged (``evidence``) and a reviewer
can argue with each rule. The title is read with every sentence of the body:

- A **strong** phrase (受贿, 贪污, 吃拿卡要, 优亲厚友, 暗箱操作, 滥用职权, 渎职, 围标, 官商勾结 …) names
  misconduct that only people with public power commit, and counts wherever it appears.
- A **contextual** phrase (收了…红包, 克扣, 挪用, 索要, 关系户, 给了…亲戚, 失职, 腐败, 勾结, 没有招标 …) is just as
  often said of employers, shops or property companies (克扣工资, 物业失职), so it counts only when a public office
  or official (政府, 住建局, 村委, 书记, 城管, 工作人员 …) is its subject: named in the same clause (between two
  commas), not as someone the citizen turns to. For embezzlement, public money in the clause (补助, 扶贫款,
  专项资金 …) is enough; for collusion (勾结, 串通, 买通), an office anywhere in the sentence.
  An office the citizen merely turns to (请相关部门处理, 投诉到市场监管局, 尊敬的王书记) does not count, and
  generic roles (领导, 工作人员, 负责人) do not count in a sentence about a company or shop.
- **Inaction** (不作为, 推诿, 踢皮球, 不闻不问 …) with an office as its subject flags only in the title, or in a
  complaint whose title names an office: then it is what the complaint is about (住建局对违建不作为). Said in
  passing in the body (…社区也不作为), or rhetorically (难道主管部门都可以不作为吗), it adds to other evidence but
  does not flag by itself: in a labelled sample of contest messages, such inaction-only flags were mostly not
  allegations. Decision: 物业不作为 is a service complaint for the housing bureau, not official misconduct; a
  doctor's red envelope is flagged only with an official in the picture: hospital service complaints go to the
  health bureau.
- A phrase right after a negation (拒收红包, 没有收红包, 杜绝吃拿卡要, 反腐败), or a red envelope refused right after
  (包了红包，医生坚决不收), does not count.
- English complaints are read by the same rules with an English lexicon (bribe, embezzle, kickback, nepotism,
  bid rigging, abuse of power …; officials, the council, the bureau, police …).
- A citizen's own allegation always flags.

The track is ``discipline`` when the accused is a Party member or cadre (the allegation says so, or a flagged
complaint names a Party or cadre title other than as someone it turns to: 党员, 书记, 支书, 党委, 干部, 镇长 …)
and ``supervision`` otherwise (administrative staff, or an office's inaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from portal.domain import Allegation, PartyMembership, Track
from triage.engine.script import to_simplified

FLAG_SCORE = 0.5
# At most this many kinds of misconduct add up to the score, each by its strongest phrase: one allegation
# repeated, or said in other words, is not more evidence.
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


def _rules(kind: str, strong: bool, weight: float, patterns: str, flags: int = 0) -> list[_Rule]:
    return [_Rule(kind, strong, weight, re.compile(pattern, flags)) for pattern in patterns.split()]


# Most phrases are plain words; the regular expressions let a few words stand between a verb and its object
# (收了开发商的购物卡和红包, 把工程给了书记的外甥).
_ENVELOPE = rf"[{_CJK}、]{{0,10}}?红包"
_RELATIVE = "亲戚|亲属|妻弟|外甥|侄子|堂兄弟|表兄弟|亲家|小舅子|妻子|老婆|儿子|女儿|弟弟|哥哥|家属|家人|子女"
_EN = re.IGNORECASE
RULES: tuple[_Rule, ...] = tuple(
    _rules(
        "bribery", True, 0.9, "受贿 索贿 行贿 贿赂 权钱交易 钱权交易 利益输送 收受礼金 吃回扣 收受.{0,6}?好处"
    )
    + _rules(
        "bribery",
        False,
        0.7,
        f"收{_ENVELOPE} 塞{_ENVELOPE} 送{_ENVELOPE} 要{_ENVELOPE} 给{_ENVELOPE} 送礼 收礼 好处费 打点费 回扣 "
        "感谢费 保护费 购物卡 请客吃饭 收了?.{0,3}?好处 送了.{0,4}?[万千百]块 摆平",
    )
    + _rules("embezzlement", True, 0.9, "贪污 挪用公款 侵吞 私分 虚报冒领 贪腐 小官巨贪 吃空饷")
    + _rules(
        "embezzlement",
        False,
        0.7,
        "挪用 挪作他用 克扣 截留 私吞 私收 侵占 冒领 套取 中饱私囊 占为己有 统筹费 白条 不开票 没有票据 不给票据 "
        "私自划拨 骗取(?:国家|财政|补助|补贴|医保|低保|扶贫|资金|经费|专项) 做假账 假账 做亏损帐 做亏损账 "
        "(?:钱|款|补贴|补助|资金|经费)[^，。]{0,6}?(?:去哪了|去哪儿了|哪去了|去向不明|下落不明)",
    )
    + _rules("extortion", True, 0.9, "吃拿卡要 乱摊派 白吃白喝")
    + _rules(
        "extortion",
        False,
        0.7,
        "敲诈勒索 索要 勒索 敲诈 摊派 刁难 私了 吃[^。]{0,8}?(?:不给钱|不付钱|没结过)",
    )
    + _rules(
        "favouritism", True, 0.85, "优亲厚友 暗箱操作 任人唯亲 徇私舞弊 徇私枉法 官官相护 权权交换 人事腐败"
    )
    + _rules(
        "favouritism",
        False,
        0.7,
        f"关系户 走后门 照顾亲戚 开绿灯 暗箱 黑幕 内定 有关系的 违规进人 乱进人 违规招聘 违规录取 "
        f"(?:给|交给|包给|分给)了?[^，。]{{0,12}}?(?:{_RELATIVE}) "
        f"(?:老板|法人|负责人|承包人?)(?:实际上?)?是[^，。]{{0,16}}?的(?:{_RELATIVE}) "
        f"(?:{_RELATIVE})[^，。]{{0,6}}?(?:承包|中标|垄断) "
        f"(?:领导|局长|书记|干部|官员|村长|主任|工作人员|所长|站长|镇长|乡长|县长)的?(?:{_RELATIVE}) 官亲 "
        "违规操作",
    )
    + _rules("bid_rigging", True, 0.85, "围标 串标 陪标 围标串标 规避招标")
    + _rules("bid_rigging", False, 0.7, "没有(?:公开)?招标 未经?(?:公开)?招标 不招标 违法分包")
    + _rules("collusion", True, 0.85, "官商勾结 警匪勾结 官黑勾结")
    + _rules("collusion", False, 0.7, "勾结 串通 合谋 沆瀣一气 同流合污 买通 撑腰")
    + _rules(
        "abuse_of_power",
        True,
        0.85,
        "滥用职权 以权谋私 以权压法 以权代法 暴力执法 野蛮执法 钓鱼执法 公款吃喝 公车私用 保护伞 玩忽职守 "
        "通风报信 渎职 违法乱纪 枉法",
    )
    + _rules(
        "abuse_of_power",
        False,
        0.65,
        "打击报复 恐吓 强拆 强行拆 强制拆 推倒 包庇 乱罚款 做了?手脚 偏袒 入股 干股 分红 伪造 造假 弄虚作假 "
        "做假案 作假 违纪 腐败 失职 利用职权 利用手中的?权力? 非法扣押 违法扣押 只手遮天 隐匿证据 故意隐匿 "
        "谋取?私利 违规收取 搭车收费",
    )
    + _rules("inaction", True, 0.6, "懒政 庸政 怠政")
    + _rules(
        "inaction",
        False,
        0.6,
        "不作为 不做为 乱作为 慢作为 推诿 踢皮球 置之不理 不闻不问 敷衍塞责 敷衍了事 推脱 没有?人管 没人敢管 "
        "无人过问 从来不查 没有下文 纵容 不履行(?:法定)?职责 不处理 不查处 睁一?只眼闭一?只眼",
    )
    # English: the same kinds, for complaints written in English.
    + _rules(
        "bribery",
        True,
        0.9,
        r"\bbrib(?:e|es|ed|ery|ing)\b \bkickbacks?\b \bpaid\s+off\b \bbackhanders?\b",
        _EN,
    )
    + _rules(
        "bribery",
        False,
        0.7,
        r"\b(?:took|takes|taking|accepted|demanded|asked\s+for)\s+(?:\w+\s+){0,3}(?:money|cash|gifts?|red\s+envelopes?)\b",
        _EN,
    )
    + _rules("embezzlement", True, 0.9, r"\bembezzl\w* \bmisappropriat\w*", _EN)
    + _rules("embezzlement", False, 0.7, r"\bsiphon\w* \bpocket(?:ed|ing)\b \bdivert(?:ed|ing)\b", _EN)
    + _rules("extortion", True, 0.9, r"\bextort\w*", _EN)
    + _rules("favouritism", True, 0.85, r"\bnepotism\b \bcronyism\b", _EN)
    + _rules(
        "favouritism",
        False,
        0.7,
        r"\b(?:his|her|their)\s+(?:own\s+)?(?:relatives?|nephew|niece|cousin|brother|sister|son|daughter|wife|husband)\b",
        _EN,
    )
    + _rules(
        "bid_rigging",
        True,
        0.85,
        r"\bbid[-\s]rigg\w* \brigged\s+(?:the\s+)?(?:bid|bids|tender|tenders)\b",
        _EN,
    )
    + _rules("collusion", False, 0.7, r"\bcollu(?:de|ded|ding|sion)\b \bin\s+league\s+with\b", _EN)
    + _rules(
        "abuse_of_power",
        True,
        0.85,
        r"\babus\w*\s+(?:of\s+)?(?:his\s+|her\s+|their\s+)?(?:power|office|authority|position)\b \bcorrupt\w* "
        r"\bdereliction\b \bprotection\s+umbrella\b",
        _EN,
    )
    + _rules(
        "abuse_of_power",
        False,
        0.65,
        r"\bcover(?:ed|ing)?[-\s]up\b \bretaliat\w* \bfalsif\w* \bforged\b",
        _EN,
    )
    + _rules(
        "inaction",
        False,
        0.6,
        r"\bfail(?:ed|s)?\s+to\s+act\b \bdid\s+nothing\b \bdo\s+nothing\b \bignor(?:ed|es|ing)\s+(?:our|my|the)\s+complaints?\b",
        _EN,
    )
)
_EN_OFFICE = re.compile(
    r"\b(?:officials?|officers?|government|bureau|department|council|councillors?|mayor|police(?:man|men)?|"
    r"inspectors?|clerks?|civil\s+servants?|cadres?|party\s+(?:secretary|members?|committee)|village\s+(?:head|chief|committee)|"
    r"town(?:ship)?\s+(?:head|government)|district|county|city\s+hall|authorities|enforcement|chengguan|judge|court)\b",
    re.IGNORECASE,
)
_EN_PARTY = re.compile(
    r"\b(?:party\s+(?:secretary|members?|committee)|cadres?|mayor|village\s+(?:head|chief))\b", re.IGNORECASE
)
# Weight of contextual inaction said in passing: evidence beside other phrases, never a flag by itself.
_PASSING_INACTION = 0.35

# Offices and officials with public power.
_OFFICE = re.compile(
    "政府|党委|党支部|党组|党工委|党总支|支部|书记|村支书|支书|人大代表|政协委员|村委|村干部|村组|村会计|村长|村主任|社区|"
    "街道|居委会|乡里|镇里|县里|区里|村里|乡镇|镇长|乡长|县长|区长|市长|局长|厅长|处长|科长|股长|所长|站长|"
    "干部|官员|公务员|公职人员|科员|办事员|窗口|执法|城管|交警|民警|警察|辅警|派出所|公安|法院|检察院|仲裁员|"
    "考官|部门|机关|校长|院长|分局|管理所|管理站|保障所|监测站|治超|运管|计生办|计生专干|专干|街道办|征收办|"
    "拆迁办|信访办|管委会|委员会|卫健委|发改委|教委|审批|"
    rf"省[{_CJK}]{{1,6}}?厅|(?:教育|人事|人社|民政|财政|公安|交通|卫生|环保|住建|国土|文化|水利|商务|司法)厅|"
    rf"[{_CJK}]{{1,10}}?局(?!面|势|部)"
)
# Roles that also exist in companies: they count only in a sentence that names no company or shop.
_GENERIC_ROLE = re.compile("领导|工作人员|负责人|(?<!班)主任|队长|队员|组长")
_PRIVATE = re.compile(
    "公司|物业|开发商|老板|商家|企业|工厂|厂家|店|酒店|超市|商场|中介|平台|银行|驾校|包工头|股东|项目部|承包商|施工方|传销"
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
_ADDRESSED = re.compile(
    "(?:请|求|望|建议|呼吁|向|找|致|写给|到|让|感谢|尊敬的|敬爱的)[^，。！？、；,.!?;]{0,8}$"
)
_INSTITUTION_AFTER = re.compile("[^，。]{0,4}?(?:卫生院|医院|中学|小学|学校|幼儿园)")
_GREETING_AFTER = re.compile(r"^[，,]?(?:您好|你好|：|:)")
_NEGATION = re.compile(
    "(?:不|没|没有|未|并未|从未|从不|拒|拒绝|杜绝|严禁|禁止|防止|不存在|无|冇|反|打击|惩治|严惩|肃清|\\bno|\\bnot|\\bnever)"
    "(?:[^，。、]{1,4}、)?\\s*$",
    re.IGNORECASE,
)
# Fought or forbidden a few words before (肃清了那么多腐败, 严厉打击收受红包的行为).
_FOUGHT_BEFORE = re.compile("(?:肃清|打击|惩治|严惩|杜绝|反对|整治)[^，。]{0,5}$")
_REFUSED_AFTER = re.compile("^[^。]{0,10}?(?:不收|拒收|拒绝|退还|退回)")
_SENTENCE_BREAK = re.compile(r"[。！？；!?;\n]+|(?<=[a-zA-Z])\.(?:\s+|$)")
_CLAUSE_BREAK = re.compile(r"[，,：:]")


def detect_misconduct(title: str, body: str, allegation: Allegation | None = None) -> MisconductSignal:
    """Flag, track, score and evidence for one complaint; see the module documentation for the rules."""
    title, body = to_simplified(title), to_simplified(body)  # the lexicon is in Simplified characters
    sentences = [title, *(part for part in _SENTENCE_BREAK.split(body) if part.strip())]
    evidence: list[str] = []
    kinds: list[str] = []
    strongest: dict[str, float] = {}  # kind -> weight of its strongest phrase
    cadres: list[str] = []
    # A title that names an office says what the complaint is about (住建局对违建不作为): its body's phrases are
    # read as said of that office.
    title_offices = _named(title, _OFFICE) + _EN_OFFICE.findall(title)
    title_context = [
        office
        for sentence in sentences[1 : _TITLE_CONTEXT + 1]
        for office in _named(sentence, _OFFICE) + _EN_OFFICE.findall(sentence)
    ]
    for index, sentence in enumerate(sentences):
        # Whom a phrase is about is looked for in the clause; who did it, for the track, around the sentence.
        nearby = sentences[: _TITLE_CONTEXT + 1] if index == 0 else [title, sentences[index - 1], sentence]
        context = "。".join(dict.fromkeys(nearby))
        headline = index == 0 or bool(title_offices)
        # Words already counted: 要送红包 is one phrase, not both 要…红包 and 送红包.
        taken: list[tuple[int, int]] = []
        for rule in RULES:
            for match in rule.pattern.finditer(sentence):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                if _negated(sentence, match):
                    continue
                # The title is read with the start of the body; the body with the title.
                actors = (
                    _subjects(
                        sentence, match, rule, title_context, "。".join(sentences[1 : _TITLE_CONTEXT + 1])
                    )
                    if index == 0
                    else _subjects(sentence, match, rule, title_offices, title)
                )
                if not rule.strong and actors is None:
                    continue
                weight = rule.weight
                if rule.kind == "inaction" and not rule.strong and not headline:
                    weight = _PASSING_INACTION
                taken.append(match.span())
                _add(evidence, [match.group(), *(actors or [])])
                _add(kinds, [rule.kind])
                strongest[rule.kind] = max(weight, strongest.get(rule.kind, 0.0))
                around = "。".join(dict.fromkeys([context, *sentences[index + 1 : index + 2]]))
                _add(cadres, _named(around, _PARTY_OR_CADRE) + _EN_PARTY.findall(around))
    missed = 1.0
    for weight in sorted(strongest.values(), reverse=True)[:SCORED_PHRASES]:
        missed *= 1.0 - weight
    score = 1.0 - missed
    if allegation is not None:
        evidence.insert(0, _describe(allegation))
        score = 1.0
    _add(evidence, cadres)
    return MisconductSignal(
        score >= FLAG_SCORE, _track(allegation, bool(cadres)), round(score, 4), evidence, kinds
    )


def _subjects(
    sentence: str, match: re.Match[str], rule: _Rule, offices_beyond: list[str], beyond: str
) -> list[str] | None:
    """The offices a contextual phrase is said of (see the module documentation), or ``None`` if it is not
    about public power. Strong phrases need no subject: whatever offices the clause names are returned.

    The subject is looked for in the phrase's clause, then in the clause before it, then in
    ``offices_beyond``: the title's offices for a phrase of the body, the start of the body's for the title
    (``beyond`` is that text, where public money counts for embezzlement too).
    """
    english = bool(rule.pattern.flags & re.IGNORECASE)
    subject = sentence[max(0, match.start() - _SUBJECT_SPAN) : match.start()]
    if _PRIVATE_SUBJECT.search(subject) and not _OFFICE.search(subject):
        return None  # 公司截留, 物业又不作为: a company did it, whoever else the clause names
    if english:
        scopes = [sentence]
    else:
        breaks = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, match.start())]
        start = breaks[-1] if breaks else 0
        following = _CLAUSE_BREAK.search(sentence, match.end())
        scopes = [sentence[start : following.start() if following else len(sentence)]]
        if breaks:
            scopes.append(sentence[(breaks[-2] if len(breaks) > 1 else 0) : start])
    private = bool(_PRIVATE.search(sentence))
    for scope in scopes:
        found = _EN_OFFICE.findall(scope) if english else _named(scope, _OFFICE)
        if not english and not private:
            found += _named(scope, _GENERIC_ROLE)
        if found:
            return found
    if rule.kind == "embezzlement" and any(_PUBLIC_MONEY.search(scope) for scope in [*scopes, beyond]):
        return []
    if offices_beyond and not private:
        return offices_beyond
    return [] if rule.strong else None


def _negated(sentence: str, match: re.Match[str]) -> bool:
    if _NEGATION.search(sentence[max(0, match.start() - 6) : match.start()]):
        return True
    if _FOUGHT_BEFORE.search(sentence[max(0, match.start() - 10) : match.start()]):
        return True
    return "红包" in match.group() and bool(_REFUSED_AFTER.search(sentence[match.end() :]))


def _named(text: str, pattern: re.Pattern[str]) -> list[str]:
    """What ``pattern`` finds in ``text``, except where the citizen turns to it, greets it or thanks it, or where
    it only names the place of a hospital or school (乡镇卫生院, 街道中学)."""
    return [
        match.group()
        for match in pattern.finditer(text)
        if not _addressed(text, match) and not _INSTITUTION_AFTER.match(text, match.end())
    ]


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


# The one evidence item the engine writes itself (all others are phrases quoted from the complaint): readers in
# another language are shown the allegation in their own words instead (triage.pages).
ALLEGATION_PREFIX = "举报人指认："
_PARTY_WORDS = {PartyMembership.YES: "是", PartyMembership.NO: "否", PartyMembership.UNKNOWN: "不详"}


def _describe(allegation: Allegation) -> str:
    party = _PARTY_WORDS[allegation.party_member]
    parts = (allegation.accused_unit, allegation.accused_name)
    who = "，".join(part.strip() for part in parts if part and part.strip())
    return f"{ALLEGATION_PREFIX}{who or '未写明'}（党员：{party}）"
