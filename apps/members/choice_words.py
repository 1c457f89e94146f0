"""The words a roster, a form or an export may use for each choice column, in one place.

One table per column: stored value → the words that mean it. The first word is the one
the export, the template's drop-down list and the error messages write; every word is
accepted by apps.members.cleaning (the upload and the forms alike) and listed on the
template's explanation sheet (apps.members.roster.template_file).

A word maps to a stored value only when that value is true of everyone the word
describes: "民盟盟员" is a member of a democratic party, "高中" is 高中/中专; but "研究生"
is not a master's degree nor "初中及以下" junior high school, so those have values of
their own (apps.members.models.Education).

Case, full-width letters and spaces inside or around a word do not matter (see
`word_key`); codes (M, F, bachelor, ...) and the labels of the active language are
accepted as well.

Sources of the national names:

- 性别: GB/T 2261.1-2003 人的性别代码 — 1 男性, 2 女性 (0 未知的性别 and 9 未说明的性别 are
  not a sex a roster can give: the sex comes from the ID number).
- 民族: GB 3304-1991 中国各民族名称的罗马字母拼写法和代码 — the 56 names (codes 01-56) and
  97 其他, 98 外国血统中国籍人士; 毛难族 and 崩龙族 are the names before 毛南族 (1986) and
  德昂族 (1985).
- 政治面貌: GB/T 4762-1984 政治面貌代码 — its names and short names (简称), codes 01-13.
- 学历: GB/T 4658-2006 学历代码 — 10 研究生教育 (博士研究生, 硕士研究生, 研究生班), 20 大学
  本科教育, 30 大学专科教育, 40 中等职业教育 (中等专科, 职业高中, 技工学校), 60 普通高级中学
  教育, 70 初级中学教育, 80 小学教育, each with its 毕业/结业/肄业 names, and the names of
  GB/T 4658-1984 that rosters still use (大学专科和专科学校, 中等专业学校, 文盲或半文盲).
"""

from .models import Education, MemberStatus, PoliticalStatus, Sex, WorkerCategory


def _finished(*names: str) -> tuple[str, ...]:
    """GB/T 4658-2006 names each level three ways: graduated, completed, left early."""
    return tuple(f"{name}{how}" for name in names for how in ("毕业", "结业", "肄业"))


SEX_WORDS = {
    Sex.MALE: ("男", "男性", "1"),
    Sex.FEMALE: ("女", "女性", "2"),
}

# GB/T 4762-1984: name, short name (简称), and what clerks write; the eight democratic
# parties (codes 04-11) are one stored value.
_DEMOCRATIC_PARTIES = (
    ("中国国民党革命委员会会员", "民革会员", "民革"),
    ("中国民主同盟盟员", "民盟盟员", "民盟"),
    ("中国民主建国会会员", "民建会员", "民建"),
    ("中国民主促进会会员", "民进会员", "民进"),
    ("中国农工民主党党员", "农工党党员", "农工党"),
    ("中国致公党党员", "致公党党员", "致公党"),
    ("九三学社社员", "九三学社"),
    ("台湾民主自治同盟盟员", "台盟盟员", "台盟"),
)
POLITICAL_STATUS_WORDS = {
    PoliticalStatus.CPC_MEMBER: ("中共党员", "中国共产党党员", "共产党员", "党员"),
    PoliticalStatus.CPC_PROBATIONARY: ("中共预备党员", "中国共产党预备党员", "预备党员"),
    PoliticalStatus.CYL_MEMBER: ("共青团员", "中国共产主义青年团团员", "团员"),
    PoliticalStatus.DEMOCRATIC_PARTY: (
        "民主党派成员", "民主党派", *(word for party in _DEMOCRATIC_PARTIES for word in party),
    ),
    PoliticalStatus.NON_PARTY: ("无党派人士", "无党派民主人士"),
    PoliticalStatus.MASSES: ("群众",),
}

EDUCATION_WORDS = {
    Education.PRIMARY: (
        "小学及以下", "小学", "小学教育", *_finished("小学"), "文盲或半文盲", "文盲半文盲", "文盲", "半文盲",
    ),
    Education.JUNIOR_HIGH: ("初中", "初级中学", "初级中学教育", *_finished("初中")),
    Education.JUNIOR_HIGH_OR_BELOW: ("初中及以下",),
    Education.SENIOR_HIGH: (
        "高中/中专", "中专/高中", "高中", "普通高中", "普通高级中学教育", *_finished("普通高中", "高中"),
        "中专", "中职", "中等职业教育", "中等专科", "中等专业学校", "中等技术学校", "中技",
        *_finished("中等专科", "中专"), "职业高中", "职高", *_finished("职业高中"),
        "技工学校", "技校", *_finished("技工学校"),
    ),
    Education.JUNIOR_COLLEGE: (
        "大学专科", "大专", "专科", "高职", "高职高专", "大学专科教育", "专科教育", "大学专科和专科学校",
        *_finished("大学专科", "大专", "专科"),
    ),
    Education.BACHELOR: (
        "大学本科", "本科", "大学", "大本", "大学本科教育", "大学普通班毕业", *_finished("大学本科", "本科"),
    ),
    Education.POSTGRADUATE: ("研究生", "研究生教育", "研究生及以上", "研究生毕业", *_finished("研究生班")),
    Education.MASTER: ("硕士研究生", "硕士", *_finished("硕士研究生")),
    Education.DOCTORATE: ("博士研究生", "博士", *_finished("博士研究生")),
}

WORKER_CATEGORY_WORDS = {
    WorkerCategory.REGULAR: ("在职职工", "职工", "在职", "在岗职工"),
    WorkerCategory.MIGRANT: ("农民工", "进城务工人员"),
    WorkerCategory.NEW_EMPLOYMENT: ("新就业形态劳动者", "新就业形态", "新就业形态从业人员", "新业态劳动者",
                                    "新业态从业人员"),
    WorkerCategory.DISPATCHED: ("劳务派遣工", "派遣工", "劳务派遣", "劳务派遣人员", "劳务派遣员工", "派遣员工"),
}

MEMBER_STATUS_WORDS = {  # written by the export only; the upload has no status column
    MemberStatus.ACTIVE: ("在册",),
    MemberStatus.RETAINED: ("保留会籍",),
    MemberStatus.TRANSFERRED_OUT: ("已转出",),
    MemberStatus.WITHDRAWN: ("已退会",),
    MemberStatus.DECEASED: ("已故",),
}

# GB 3304-1991 in code order (01 汉族 … 56 基诺族).
ETHNIC_GROUPS = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族",
    "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
    "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族",
    "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)
_ETHNIC_ALSO = {"蒙古族": ("蒙族",), "维吾尔族": ("维族",), "毛南族": ("毛难族", "毛难"), "德昂族": ("崩龙族", "崩龙")}
# The stored value is the name itself, with 族 (as written on the resident ID card).
ETHNICITY_WORDS: dict[str, tuple[str, ...]] = {
    **{name: (name, name.removesuffix("族"), *_ETHNIC_ALSO.get(name, ())) for name in ETHNIC_GROUPS},
    "其他": ("其他", "其他民族"),  # GB 3304-1991 code 97
    "外国血统中国籍人士": ("外国血统中国籍人士", "外国血统"),  # code 98
}

# Stored value → words, by choices class: what the export writes (choice_word).
CHOICE_WORDS: dict[type, dict[str, tuple[str, ...]]] = {
    Sex: SEX_WORDS,
    PoliticalStatus: POLITICAL_STATUS_WORDS,
    Education: EDUCATION_WORDS,
    WorkerCategory: WORKER_CATEGORY_WORDS,
    MemberStatus: MEMBER_STATUS_WORDS,
}
# The roster's choice columns and their choices class (None: words only, no codes).
COLUMN_CHOICES: dict[str, type | None] = {
    "sex": Sex,
    "ethnicity": None,
    "political_status": PoliticalStatus,
    "education": Education,
    "worker_category": WorkerCategory,
}
COLUMN_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "sex": SEX_WORDS,
    "ethnicity": ETHNICITY_WORDS,
    "political_status": POLITICAL_STATUS_WORDS,
    "education": EDUCATION_WORDS,
    "worker_category": WORKER_CATEGORY_WORDS,
}


def word_key(text: str) -> str:
    """How a cleaned word is compared: without spaces ("汉 族", "中共 党员"), case-folded."""
    return text.replace(" ", "").casefold()


def written_words(field: str) -> list[str]:
    """The word written for each stored value of a roster column, in the table's order."""
    return [words[0] for words in COLUMN_WORDS[field].values()]
