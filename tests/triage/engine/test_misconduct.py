"""The misconduct detector on hand-written complaints (written for these tests)."""

from __future__ import annotations

import pytest

from portal.domain import Allegation, PartyMembership, Track
from triage.engine.misconduct import detect_misconduct

DISCIPLINE, SUPERVISION = Track.DISCIPLINE, Track.SUPERVISION

POSITIVES = [
    # (title, body, kind, track, a piece of evidence)
    ("宅基地审批要送红包", "村支书收了邻居两万元红包，才给他批了宅基地。", "bribery", DISCIPLINE, "村支书"),
    ("审批科科员受贿", "规划审批科一名科员受贿，违规通过了不合格的设计。", "bribery", SUPERVISION, "受贿"),
    ("扶贫款去哪了", "镇政府把扶贫款挪用去修办公楼，贫困户一分没拿到。", "embezzlement", SUPERVISION, "挪用"),
    ("低保金被私吞", "村会计私吞了我们组三户人家的低保金。", "embezzlement", SUPERVISION, "私吞"),
    (
        "办证窗口吃拿卡要",
        "办证窗口的工作人员吃拿卡要，不给好处就说材料不齐。",
        "extortion",
        SUPERVISION,
        "吃拿卡要",
    ),
    (
        "执法队员索要好处费",
        "城管执法队员向摊贩索要好处费，不给就没收三轮车。",
        "extortion",
        SUPERVISION,
        "好处费",
    ),
    (
        "低保名额优亲厚友",
        "村里的低保名额优亲厚友，全给了村干部的亲戚。",
        "favouritism",
        DISCIPLINE,
        "优亲厚友",
    ),
    (
        "项目交给书记的外甥",
        "乡里的修路工程没有招标，直接交给了乡党委书记的外甥。",
        "favouritism",
        DISCIPLINE,
        "书记",
    ),
    (
        "城管对占道经营推诿",
        "占道经营半年了，城管推诿扯皮，对居民的反映置之不理。",
        "inaction",
        SUPERVISION,
        "推诿",
    ),
    ("住建局不作为", "小区违建举报了三次，区住建局一直不作为。", "inaction", SUPERVISION, "不作为"),
    ("镇长滥用职权", "镇长滥用职权，派人强拆我家的养殖棚。", "abuse_of_power", DISCIPLINE, "滥用职权"),
    (
        "社区书记私分集体收入",
        "社区党支部书记和几个干部私分了门面出租的集体收入。",
        "embezzlement",
        DISCIPLINE,
        "私分",
    ),
]


@pytest.mark.parametrize(("title", "body", "kind", "track", "evidence"), POSITIVES)
def test_flags_misconduct_of_each_kind(title: str, body: str, kind: str, track: str, evidence: str) -> None:
    signal = detect_misconduct(title, body)
    assert signal.flag
    assert kind in signal.kinds
    assert signal.track == track
    assert 0.5 <= signal.score <= 1.0
    assert any(evidence in item for item in signal.evidence)


NEGATIVES = [
    ("物业不作为", "小区楼顶漏水三个月，物业公司置之不理，物业就是不作为。"),  # a company, not an office
    ("公司克扣工资", "老板克扣我们的工资，还拖欠加班费。"),
    ("表扬拒收红包的医生", "手术前我们给主刀医生包了一个红包，医生坚决不收。"),
    ("感谢村书记修路", "村党支部书记带着大家把进村路修好了，特此感谢。"),
    ("商场红包雨不兑现", "商场开业搞红包雨活动，抢到的红包结账时不能用。"),
    ("作风建设", "区里要求窗口单位坚决杜绝吃拿卡要，我们觉得很好。"),
    ("噪音扰民", "楼下酒吧每晚噪音扰民，物业不作为，请相关部门处理。"),  # the office is only asked for help
    ("尊敬的王书记您好", "王书记您好！我们小区门口的路灯坏了一个月，晚上出行很不方便。"),
]


@pytest.mark.parametrize(("title", "body"), NEGATIVES)
def test_ordinary_complaints_are_not_flagged(title: str, body: str) -> None:
    signal = detect_misconduct(title, body)
    assert not signal.flag
    assert signal.score < 0.5


def test_negation_right_before_a_phrase_cancels_it() -> None:
    assert not detect_misconduct("办事顺利", "街道办的工作人员没有收红包，也没有刁难我们。").flag
    assert detect_misconduct("办事不顺", "街道办的工作人员收了红包才给办。").flag


@pytest.mark.parametrize(
    ("allegation", "track"),
    [
        (
            Allegation(accused_name="李某", accused_unit="县交通运输局", party_member=PartyMembership.NO),
            SUPERVISION,
        ),
        (
            Allegation(accused_name="张某", accused_unit="某镇政府", party_member=PartyMembership.YES),
            DISCIPLINE,
        ),
        (
            Allegation(accused_name="刘某", accused_unit="某村党支部", party_member=PartyMembership.UNKNOWN),
            DISCIPLINE,
        ),
        (
            Allegation(
                accused_name="赵某", accused_unit="区市场监管局", party_member=PartyMembership.UNKNOWN
            ),
            SUPERVISION,
        ),
        (Allegation(), SUPERVISION),
    ],
)
def test_a_citizen_allegation_always_flags(allegation: Allegation, track: str) -> None:
    signal = detect_misconduct("路灯坏了", "小区门口的路灯坏了一个月。", allegation)
    assert signal.flag
    assert signal.score == 1.0
    assert signal.track == track
    assert signal.evidence[0].startswith("举报人指认")


def test_allegation_with_unknown_membership_follows_the_text() -> None:
    signal = detect_misconduct(
        "补偿款被截留", "村支书截留了我们的征地补偿款。", Allegation(accused_unit="某村")
    )
    assert signal.track == DISCIPLINE
    assert "截留" in signal.evidence


def test_evidence_lists_each_phrase_once_and_score_stays_below_one() -> None:
    body = "局长受贿。局长受贿。局长受贿。局长还贪污。"
    signal = detect_misconduct("举报局长", body)
    assert signal.evidence.count("受贿") == 1
    assert signal.kinds == ["bribery", "embezzlement"]
    assert 0.9 <= signal.score < 1.0


# Issue 14: an allegation needs an office or official as its subject; inaction said in passing does not flag.
NOT_ALLEGATIONS = [
    # inaction in passing, in a complaint about a property company
    ("投诉物业违规收停车费", "物业置之不理继续违规收费，社区不作为不闻不问。请领导督办。"),
    # rhetorical inaction
    (
        "公交车乱收费有人管吗",
        "公交车每年夏天私自涨价，多次向主管部门反映都没有效果，难道主管部门都可以不作为吗？",
    ),
    # a hospital named after its township is not the township government
    ("说说乡镇卫生院医生的艰辛", "有些人拿医院和医生当摇钱树，随意敲诈勒索，医生有苦难言。"),
    # corruption fought, not alleged
    ("关于城管的经历", "这两年来肃清了那么多腐败，城管的服务也好多了。"),
    # a negation before a listed item
    ("回复网友", "中心学校不存在挤占、截留下辖各校公用经费现象。"),
    # a company's shareholders
    ("项目部拖欠工资", "城投拨款几百万都被项目部各股东恶意瓜分，中饱私囊，工人拿不到工资。"),
    ("The shop cheated me", "The shop owner sold me a broken phone and did nothing when I complained."),
]


@pytest.mark.parametrize(("title", "body"), NOT_ALLEGATIONS)
def test_inaction_in_passing_and_private_wrongs_are_not_flagged(title: str, body: str) -> None:
    assert not detect_misconduct(title, body).flag


NEW_ALLEGATIONS = [
    # (title, body, kind)
    (
        "住建局对违建不作为",
        "小区违建举报了三次，一直没有处理。",
        "inaction",
    ),  # the title says whom it is about
    ("举报镇政府官员腐败", "镇政府几名干部腐败问题严重，群众意见很大。", "abuse_of_power"),
    ("开发商违规建设", "开发商违规建了三层，规划局官商勾结，放任不管。", "collusion"),
    ("城管执法大队", "城管执法大队有执法不公和渎职的嫌疑。", "abuse_of_power"),
    ("人社局窗口", "人社局窗口工作人员工作失职，把我的材料弄丢了。", "abuse_of_power"),
    ("土地整理项目招标", "土地整治项目的招标代理涉嫌围标串标，合格单位报名处处受阻。", "bid_rigging"),
    ("危房改造规避招标", "镇政府把危房改造工程规避招标，违法分包给无资质的个人。", "bid_rigging"),
    ("文物所违规进人", "文物所乱进人，原副局长的儿子不通过任何考试就来上班了。", "favouritism"),
    ("运管部门钓鱼执法", "运管部门钓鱼执法抓网约车司机。", "abuse_of_power"),
    ("高温补贴去哪儿了", "交警协警的高温补贴哪去了，好多协警都没有领到。", "embezzlement"),
    (
        "Village head took bribes",
        "The village head took bribes from the developer before approving the land.",
        "bribery",
    ),
    (
        "Bid rigging at the county",
        "The county transport bureau rigged the tender for the new road.",
        "bid_rigging",
    ),
    (
        "Officials embezzled relief funds",
        "Township officials embezzled the flood relief money.",
        "embezzlement",
    ),
    ("Nepotism in hiring", "The bureau chief hired his nephew without any exam.", "favouritism"),
]


@pytest.mark.parametrize(("title", "body", "kind"), NEW_ALLEGATIONS)
def test_allegation_terms_added_for_issue_14_are_flagged(title: str, body: str, kind: str) -> None:
    signal = detect_misconduct(title, body)
    assert signal.flag, signal
    assert kind in signal.kinds


def test_english_allegations_against_party_cadres_go_to_discipline() -> None:
    signal = detect_misconduct(
        "Party secretary demands money", "The village party secretary demanded money for the permit."
    )
    assert signal.flag
    assert signal.track == DISCIPLINE
