"""The lists the reference city starts with and then edits in admin: the honor kinds and the
十优 key industries. The data migration writes them; `seed_demo` writes them again where a
test flushed the tables (get-or-create, so an edited list is left as the city made it).

Honor kinds (临沂): 劳动模范, 五一劳动奖章, 工人先锋号 (a collective honor), 齐鲁工匠 (the
province's), 沂蒙工匠 (the city's). Key industries: the city's ten (per the issue, the city edits
the names)."""

HONOR_KINDS = [
    ("model_worker", "劳动模范", False),
    ("may_day_medal", "五一劳动奖章", False),
    ("worker_pioneer", "工人先锋号", True),
    ("qilu_craftsman", "齐鲁工匠", False),
    ("yimeng_craftsman", "沂蒙工匠", False),
]
INDUSTRIES = ["现代物流", "商贸服务", "木业家居", "食品加工", "机械装备", "冶金建材", "化工新材料", "医药健康",
              "电子信息", "文化旅游"]


def ensure_city_lists(honor_kind_model, key_industry_model) -> None:
    """Write the starting lists where missing (models passed in: the migration's historical ones)."""
    for position, (code, name, collective) in enumerate(HONOR_KINDS, start=1):
        honor_kind_model.objects.get_or_create(code=code, defaults={"name": name, "collective": collective,
                                                                    "position": position})
    for position, name in enumerate(INDUSTRIES, start=1):
        key_industry_model.objects.get_or_create(name=name, defaults={"position": position})
