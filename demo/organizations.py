"""Demo union tree shaped like the reference city, 临沂 (Linyi): `seed_demo` step.

City federation (3713) → 12 counties/districts and 3 development zones (real
6-digit region codes) → townships/streets and industry federations → grassroots,
joint grassroots and village/community unions. Township names follow the real
ones of each county (approximately: boundaries move and some are merged);
company and village names are generated from syllables.

Every node's code is fixed by its position in the plan (county code + township
number + union number), and the plan is built from `ctx.rng` whatever the
database holds, so the output is deterministic and a second run finds every code
present and writes nothing. "small" uses 4 townships per county and about 360
unions; "city" uses every township and the reference year's 10,998 organizations in all
(demo/reference_year.py; at a `ctx.fraction` of it, fewer townships and unions), written
level by level with bulk_create (path, depth and county precomputed).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from simple_history.utils import bulk_create_with_history

from apps.core.history import DEMO_DATA_REASON
from apps.organizations.models import Organization
from apps.organizations.services import create_organization

from . import reference_year
from .reference_year import scaled

K = Organization.Kind

CITY_CODE = "3713"
CITY_NAME = "临沂市总工会"

# (code, district name, short name, weight of its economy, townships/streets)
COUNTIES: list[tuple[str, str, str, int, list[str]]] = [
    ("371302", "兰山区", "兰山", 16, [
        "兰山街道", "银雀山街道", "金雀山街道", "柳青街道", "枣园镇", "半程镇", "义堂镇",
        "李官镇", "方城镇", "汪沟镇", "白沙埠镇", "兰山经济开发区"]),
    ("371311", "罗庄区", "罗庄", 9, [
        "罗庄街道", "傅庄街道", "盛庄街道", "双月湖街道", "册山街道", "高都街道", "黄山镇",
        "褚墩镇", "沂堂镇"]),
    ("371312", "河东区", "河东", 8, [
        "九曲街道", "凤凰岭街道", "太平街道", "汤头街道", "相公街道", "八湖镇", "汤河镇",
        "郑旺镇", "刘店子镇"]),
    ("371322", "郯城县", "郯城", 6, [
        "郯城街道", "马头镇", "重坊镇", "李庄镇", "杨集镇", "港上镇", "高峰头镇", "庙山镇",
        "胜利镇", "红花镇", "归昌乡", "花园乡", "泉源乡"]),
    ("371324", "兰陵县", "兰陵", 7, [
        "卞庄街道", "苍山街道", "向城镇", "尚岩镇", "磨山镇", "长城镇", "神山镇", "兰陵镇",
        "车辋镇", "大仲村镇", "庄坞镇", "鲁城镇", "南桥镇", "下村乡"]),
    ("371323", "沂水县", "沂水", 7, [
        "沂城街道", "龙家圈街道", "许家湖镇", "黄山铺镇", "诸葛镇", "崔家峪镇", "四十里堡镇",
        "院东头镇", "道托镇", "马站镇", "高桥镇", "富官庄镇", "夏蔚镇", "沙沟镇", "泉庄镇",
        "圈里乡", "高庄镇"]),
    ("371321", "沂南县", "沂南", 6, [
        "界湖街道", "砖埠镇", "铜井镇", "依汶镇", "蒲汪镇", "湖头镇", "苏村镇", "孙祖镇",
        "双堠镇", "青驼镇", "张庄镇", "大庄镇", "辛集镇", "岸堤镇", "马牧池乡"]),
    ("371326", "平邑县", "平邑", 6, [
        "平邑街道", "仲村镇", "武台镇", "保太镇", "柏林镇", "卞桥镇", "地方镇", "铜石镇",
        "温水镇", "流峪镇", "郑城镇", "白彦镇", "临涧镇", "丰阳镇"]),
    ("371325", "费县", "费县", 6, [
        "费城街道", "上冶镇", "薛庄镇", "探沂镇", "朱田镇", "梁邱镇", "新庄镇", "马庄镇",
        "胡阳镇", "石井镇", "东蒙镇", "大田庄乡"]),
    ("371328", "蒙阴县", "蒙阴", 4, [
        "蒙阴街道", "常路镇", "岱崮镇", "坦埠镇", "垛庄镇", "高都镇", "野店镇", "桃墟镇",
        "联城镇", "旧寨乡"]),
    ("371327", "莒南县", "莒南", 6, [
        "十字路街道", "大店镇", "板泉镇", "洙边镇", "文疃镇", "石莲子镇", "岭泉镇", "筵宾镇",
        "涝坡镇", "相沟镇", "道口镇", "汀水镇", "相邸镇"]),
    ("371329", "临沭县", "临沭", 5, [
        "临沭街道", "郑山街道", "蛟龙镇", "大兴镇", "石门镇", "曹庄镇", "青云镇", "玉山镇",
        "店头镇", "白旄镇"]),
]
ZONES: list[tuple[str, str, str, int, list[str]]] = [
    ("371371", "临沂经济技术开发区", "经开区", 5, ["芝麻墩街道", "梅家埠街道", "朝阳街道", "沂河新区街道"]),
    ("371372", "临沂高新技术产业开发区", "高新区", 5, ["罗西街道", "马厂湖镇", "高新区科技园"]),
    ("371373", "临沂临港经济开发区", "临港区", 3, ["坪上镇", "团林镇", "朱芦镇", "壮岗镇"]),
]

# City-level industry unions (市直产业工会) and the trade their unions are in.
CITY_INDUSTRIES = [
    ("教育", "临沂市教育工会"), ("卫生健康", "临沂市卫生健康工会"), ("交通运输", "临沂市交通运输工会"),
    ("建设建材", "临沂市建设建材工会"), ("金融", "临沂市金融工会"), ("商贸物流", "临沂市商贸物流工会"),
]
COUNTY_INDUSTRIES = ["商贸物流", "木业板材", "食品加工", "机械制造", "建筑", "快递物流"]

BRAND = (
    "华鑫泰恒盛源祥瑞丰宏达利兴隆昌鸿金银中新东方圣天和安康永福海山蒙沂琅琊阳光明德嘉润宇航远诚信力"
    "强正通顺佳汇联宝凯腾龙凤鲁齐春晨景豪博卓越晟茂荣锦绿雅美"
)
TRADES = [
    "机械制造", "木业", "板材", "食品", "物流", "商贸", "化工", "建材", "电子", "医药", "纺织",
    "服装", "新材料", "汽车配件", "钢铁", "农业科技", "建筑工程", "包装", "塑料制品", "新能源",
    "陶瓷", "五金", "电缆", "印刷",
]
COMPANY_FORMS = ["有限公司"] * 6 + ["股份有限公司"] * 2 + ["集团有限公司"]
SURNAMES = "王李张刘陈杨赵孙周吴徐朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
VILLAGE_ENDINGS = ["家庄", "庄", "官庄", "家岭", "家沟", "家湖", "店", "屯", "埠", "家洼"]
JOINT_SECTORS = [
    "小微企业", "商贸物流", "快递行业", "餐饮行业", "建筑行业", "家政服务", "货车司机", "网约车司机",
    "商务楼宇", "工业园区", "外卖配送", "个体工商户",
]

INSTITUTIONS = {
    "教育": ["小学", "中学", "实验学校", "幼儿园", "职业中等专业学校"],
    "卫生健康": ["医院", "中医医院", "妇幼保健院", "社区卫生服务中心", "口腔医院"],
    "金融": ["农商银行", "村镇银行", "保险代理有限公司", "融资担保有限公司"],
}

SCALES = {
    # townships per county (None: all), unions below county level, share of city industry unions
    "small": {"townships": 4, "unions": 360},
    "city": {"townships": None, "unions": None},  # made to give the reference year's count: _city_config
}
BATCH = 2000


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    kind: str
    parent: str  # parent's code


class _Names:
    """Unique, plausible names drawn from the shared rng."""

    def __init__(self, rng):
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make) -> str:
        for _ in range(50):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        base = make()
        n = 2
        while f"{base}{n}" in self.used:
            n += 1
        self.used.add(f"{base}{n}")
        return f"{base}{n}"

    def company(self, prefixes: list[str], trade: str | None = None) -> str:
        rng = self.rng

        def make():
            brand = rng.choice(BRAND) + rng.choice(BRAND)
            return f"{rng.choice(prefixes)}{brand}{trade or rng.choice(TRADES)}{rng.choice(COMPANY_FORMS)}工会"

        return self._unique(make)

    def institution(self, trade: str) -> str:
        """Schools, hospitals and banks for the city's industry unions; companies otherwise."""
        kinds = INSTITUTIONS.get(trade)
        if kinds is None:
            return self.company(["临沂", "山东"], trade)
        rng = self.rng
        return self._unique(lambda: f"临沂{rng.choice(BRAND)}{rng.choice(BRAND)}{rng.choice(kinds)}工会")

    def village(self, township: str) -> str:
        rng = self.rng
        if township.endswith("街道"):
            return self._unique(lambda: f"{township}{rng.choice(BRAND)}{rng.choice(BRAND)}社区工会")
        return self._unique(lambda: f"{township}{rng.choice(SURNAMES)}{rng.choice(VILLAGE_ENDINGS)}村工会")

    def joint(self, place: str) -> str:
        return self._unique(lambda: f"{place}{self.rng.choice(JOINT_SECTORS)}联合工会")


def _split(rng, total: int, weights: list[int]) -> list[int]:
    """`total` spread over `weights`, the rounding remainder given at random (deterministic)."""
    whole = sum(weights)
    counts = [total * w // whole for w in weights]
    for i in rng.sample(range(len(weights)), total - sum(counts)):
        counts[i] += 1
    return counts


def _unions_under(rng, names: _Names, parent: str, count: int, *, make_company, place="", villages=False):
    """`count` unions under the node `parent`, numbered in order, kinds mixed like a real township."""
    nodes = []
    for i in range(1, count + 1):
        roll = rng.random()
        if villages and roll < 0.2:
            kind, name = K.VILLAGE, names.village(place)
        elif place and roll > 0.9:
            kind, name = K.JOINT_GRASSROOTS, names.joint(place)
        else:
            kind, name = K.GRASSROOTS, make_company()
        nodes.append(Node(f"{parent}{i:04d}", name, kind, parent))
    return nodes


def _city_config(fraction: float) -> dict:
    """The city's plan: as many unions as make the reference year's organization count with
    the federations above them (at a fraction: fewer townships too, at least one per county)."""
    areas = COUNTIES + ZONES
    townships = None if fraction == 1 else [max(1, scaled(len(area[4]), fraction)) for area in areas]
    federations = 1 + len(areas) + len(CITY_INDUSTRIES) + 2 * len(areas) + (
        sum(len(area[4]) for area in areas) if townships is None else sum(townships))
    return {"townships": townships, "unions": scaled(reference_year.ORGANIZATIONS, fraction) - federations}


def build_plan(rng, scale: str, fraction: float = 1.0) -> tuple[list[Node], list[list[Node]], dict]:
    """Counties, the levels below them, and the facts; a pure function of rng, scale and fraction."""
    config = _city_config(fraction) if scale == "city" else SCALES[scale]
    names = _Names(rng)
    areas = COUNTIES + ZONES
    counties = [Node(code, f"{name}总工会", K.COUNTY_FEDERATION, CITY_CODE) for code, name, *_ in areas]
    level2: list[Node] = []
    level3: list[Node] = []
    unions_by_county: dict[str, list[str]] = {}

    city_share = config["unions"] * 4 // 100
    for n, ((trade, name), count) in enumerate(
        zip(CITY_INDUSTRIES, _split(rng, city_share, [1] * len(CITY_INDUSTRIES))), start=1
    ):
        code = f"{CITY_CODE}H{n:02d}"
        level2.append(Node(code, name, K.INDUSTRY_FEDERATION, CITY_CODE))
        level3 += _unions_under(rng, names, code, count, make_company=lambda t=trade: names.institution(t))

    per_county = _split(rng, config["unions"] - city_share, [area[3] for area in areas])
    for index, ((code, _name, short, _weight, townships), total) in enumerate(zip(areas, per_county)):
        limit = config["townships"]
        townships = townships[: limit[index] if isinstance(limit, list) else limit] if limit else townships
        direct, industry = total * 8 // 100, total * 12 // 100
        prefixes = ["临沂", "山东", short]
        county_unions = [
            Node(f"{code}D{i:04d}", names.company(prefixes), K.GRASSROOTS, code) for i in range(1, direct + 1)
        ]
        trades = rng.sample(COUNTY_INDUSTRIES, 2)
        for n, (trade, count) in enumerate(zip(trades, _split(rng, industry, [1, 1])), 1):
            industry_code = f"{code}H{n:02d}"
            level2.append(Node(industry_code, f"{short}{trade}行业工会联合会", K.INDUSTRY_FEDERATION, code))
            county_unions += _unions_under(
                rng, names, industry_code, count,
                make_company=lambda t=trade[:2]: names.company(prefixes, t), place=short,
            )
        shares = [rng.randint(2, 5) for _ in townships]
        in_townships = _split(rng, total - direct - industry, shares)
        for n, (township, count) in enumerate(zip(townships, in_townships), 1):
            township_code = f"{code}{n:03d}"
            level2.append(Node(township_code, f"{township}总工会", K.TOWNSHIP_FEDERATION, code))
            county_unions += _unions_under(
                rng, names, township_code, count,
                make_company=lambda: names.company(prefixes), place=township, villages=True,
            )
        unions_by_county[code] = [node.code for node in county_unions]
        level3 += county_unions

    facts = {
        "city": CITY_CODE,
        "counties": [node.code for node in counties],
        "unions_by_county": unions_by_county,
    }
    return counties, [level2, level3], facts


def _ensure_city_and_counties(counties: list[Node]) -> int:
    """The top two levels through the service (validation, history); returns how many were new."""
    created = 0
    city = Organization.objects.filter(code=CITY_CODE).first()
    if city is None:
        city = create_organization(code=CITY_CODE, name=CITY_NAME, kind=K.CITY_FEDERATION, parent=None)
        created += 1
    present = set(
        Organization.objects.filter(code__in=[n.code for n in counties]).values_list("code", flat=True)
    )
    for node in counties:
        if node.code not in present:
            create_organization(code=node.code, name=node.name, kind=node.kind, parent=city)
            created += 1
    return created


def _insert_level(nodes: list[Node]) -> int:
    """Insert the nodes whose code is not present yet; their parents must all exist already."""
    codes = [n.code for n in nodes]
    present = set(Organization.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = [n for n in nodes if n.code not in present]
    if not missing:
        return 0
    parents = {
        code: (pk, path, depth, kind, county_id)
        for code, pk, path, depth, kind, county_id in Organization.objects.filter(
            code__in={n.parent for n in missing}
        ).values_list("code", "id", "path", "depth", "kind", "county_id")
    }
    rows = []
    for node in missing:
        parent_id, parent_path, parent_depth, parent_kind, parent_county = parents[node.parent]
        rows.append(
            Organization(
                code=node.code,
                name=node.name,
                kind=node.kind,
                parent_id=parent_id,
                county_id=parent_id if parent_kind == K.COUNTY_FEDERATION else parent_county,
                path=Organization.build_path(parent_path, node.code),
                depth=parent_depth + 1,
            )
        )
    bulk_create_with_history(rows, Organization, batch_size=BATCH, default_change_reason=DEMO_DATA_REASON)
    return len(rows)


def seed(ctx) -> None:
    counties, levels, facts = build_plan(ctx.rng, ctx.scale, getattr(ctx, "fraction", 1.0))
    with transaction.atomic():
        created = _ensure_city_and_counties(counties)
        for level in levels:
            created += _insert_level(level)
        # Counties point at themselves (the service does it; repeat for safety after a partial run).
        Organization.objects.filter(kind=K.COUNTY_FEDERATION, county__isnull=True).update(county=F("pk"))
    ctx.facts["organizations"] = facts
    total = Organization.objects.count()
    ctx.say(f"  organizations: {created} added, {total} in all")
