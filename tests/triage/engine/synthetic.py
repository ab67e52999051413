"""Small synthetic complaints for the engine's tests, written for these tests (no real messages).

Each category has its own topics; titles and bodies are put together from them at random (seeded), so a model
can learn the categories from a few dozen examples and still has to generalise to new combinations.
"""

from __future__ import annotations

import random

from triage.engine.dataset import Example

PLACES = ("A1区", "A2区", "A3区", "B1县", "B2县", "A市", "B市")
OPENINGS = ("您好，", "我是附近的居民，", "反映一个问题：", "", "我想咨询一下，")
CLOSINGS = ("希望尽快处理。", "请有关部门帮忙解决。", "谢谢！", "", "盼回复。")

TOPICS: dict[str, tuple[tuple[str, str], ...]] = {
    "housing_urban": (
        ("小区电梯经常坏", "小区的电梯一个月坏了三次，物业维修拖拖拉拉，老人上下楼很困难"),
        ("房产证一直办不下来", "交房已经五年了，开发商一直没有给业主办理房产证"),
        ("拆迁安置房迟迟不交付", "我们家的老房子拆迁后，安置房说好两年交付，现在还没有动工"),
        ("违章建筑占用消防通道", "楼下住户在消防通道上私自搭建违章建筑，存在安全隐患"),
        ("燃气管道漏气", "小区燃气管道老化，楼道里经常闻到燃气味道"),
        ("下水道堵塞污水外溢", "小区下水道堵塞，污水漫到路面上，物业说不归他们管"),
    ),
    "environment": (
        ("化工厂夜间排放废气", "附近的化工厂一到晚上就排放刺鼻的废气，居民晚上不敢开窗"),
        ("河道被倒入污水", "小河里的水发黑发臭，上游有工厂把污水直接排进河道"),
        ("工地夜间施工噪音扰民", "工地每天晚上十二点以后还在打桩，噪音吵得人睡不着觉"),
        ("露天焚烧垃圾浓烟滚滚", "村口有人露天焚烧垃圾和塑料，浓烟飘进居民家里"),
        ("养猪场臭气熏天", "新建的养猪场粪便不处理，周围臭气熏天，苍蝇成群"),
        ("餐馆油烟直排", "楼下餐馆的油烟不经过净化直接排放，熏黑了外墙"),
    ),
    "transport": (
        ("公交车班次太少", "这条公交线路每小时只有一班车，上班族经常迟到"),
        ("出租车拒载绕路", "晚上打出租车经常被拒载，上车后司机还故意绕路"),
        ("路口红绿灯时间太短", "这个路口的红绿灯行人绿灯只有十秒，老人过马路来不及"),
        ("国道路面坑洼不平", "国道上到处是坑，货车经过颠簸严重，已经发生几起事故"),
        ("客运班车超载", "去县城的客运班车经常超载，过道上都站满了乘客"),
        ("驾校考试预约太难", "在驾校报名半年了，科目二考试一直约不上"),
    ),
    "education_culture": (
        ("学校周末违规补课", "孩子所在的中学周末组织学生补课，还要收补课费"),
        ("孩子上学学位不够", "我们小区划片的小学说学位已满，孩子只能去很远的学校"),
        ("校车接送时间太早", "校车每天早上六点就来接孩子，孩子睡眠严重不足"),
        ("幼儿园收费太高", "附近的幼儿园每学期收费上涨，还要交各种名目的费用"),
        ("图书馆开放时间太短", "市图书馆周末下午就关门，学生没有地方看书"),
        ("体育场馆不对外开放", "新建的体育馆一直锁着门，市民想打球也进不去"),
    ),
    "labour_social_security": (
        ("公司拖欠三个月工资", "我在这家公司上班，老板已经拖欠我们三个月的工资了"),
        ("单位不给交社保", "入职一年了，单位一直没有给我缴纳社保"),
        ("养老金调整后没有到账", "今年养老金调整的通知发了，可我的养老金还是原来的数"),
        ("工伤认定迟迟没有结果", "我在车间受伤已经半年，工伤认定一直没有结果"),
        ("不签劳动合同就辞退", "公司不和我们签劳动合同，现在说辞退就辞退，也没有补偿"),
        ("失业金申领手续繁琐", "申领失业金要跑好几个地方，材料交了又说不齐"),
    ),
    "commerce_tourism": (
        ("景区门票价格太贵", "景区门票又涨价了，里面的观光车还要另外收费"),
        ("商家虚假宣传", "这家店宣传买一送一，结账的时候却说活动已经结束"),
        ("健身房预付卡无法退款", "健身房突然关门，办的预付卡里还有几千元退不了"),
        ("旅行社强制购物", "报名参加旅行社的团，导游每天带我们去购物店"),
        ("超市出售过期食品", "在超市买的牛奶已经过期一周了，货架上还有很多"),
        ("酒店房间与网上图片不符", "网上预订的酒店房间又小又旧，和图片完全不一样"),
    ),
    "health_family_planning": (
        ("医院挂号排队太久", "人民医院挂号要排两个小时，看病才几分钟"),
        ("医保报销比例太低", "住院花了三万元，医保只报销了一小部分"),
        ("生育登记手续复杂", "办理二孩生育登记要准备很多证明，跑了好几次"),
        ("疫苗接种点太少", "孩子打疫苗要去很远的接种点，每次排队半天"),
        ("独生子女奖励没有发放", "我们是独生子女家庭，今年的奖励一直没有发放"),
        ("药店药价比医院高很多", "同样的药在药店卖的价格比医院贵了一倍"),
    ),
}


def examples(
    per_category: int = 24, seed: int = 0, categories: tuple[str, ...] | None = None
) -> list[Example]:
    """``per_category`` complaints for each category, shuffled."""
    chooser = random.Random(seed)
    made = []
    for key in categories or tuple(TOPICS):
        for index in range(per_category):
            title, detail = TOPICS[key][index % len(TOPICS[key])]
            place = chooser.choice(PLACES)
            body = f"{chooser.choice(OPENINGS)}{place}{detail}。{chooser.choice(CLOSINGS)}"
            made.append(Example(f"{place}{title}", body, key))
    chooser.shuffle(made)
    return made
