"""The lists the city starts with and edits in admin: the honor kinds and the 十优 key industries.

Reference city (临沂): 劳动模范, 五一劳动奖章, 工人先锋号, 齐鲁工匠 (provincial) and 沂蒙工匠
(city); the key industries are the city's ten industries it names for 十优 growth (per the issue;
the city edits the names)."""

from django.db import migrations

HONOR_KINDS = [
    ("model_worker", "劳动模范", False),
    ("may_day_medal", "五一劳动奖章", False),
    ("worker_pioneer", "工人先锋号", True),
    ("qilu_craftsman", "齐鲁工匠", False),
    ("yimeng_craftsman", "沂蒙工匠", False),
]
INDUSTRIES = ["现代物流", "商贸服务", "木业家居", "食品加工", "机械装备", "冶金建材", "化工新材料", "医药健康",
              "电子信息", "文化旅游"]


def add(apps, schema_editor):
    HonorKind = apps.get_model("competitions", "HonorKind")
    KeyIndustry = apps.get_model("competitions", "KeyIndustry")
    for position, (code, name, collective) in enumerate(HONOR_KINDS, start=1):
        HonorKind.objects.get_or_create(code=code, defaults={"name": name, "collective": collective,
                                                              "position": position})
    for position, name in enumerate(INDUSTRIES, start=1):
        KeyIndustry.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("competitions", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
