"""The Simplified Chinese catalogue is complete, compiled, and what a user sees by default."""

import gettext
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.ci import require_tool

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"


def _entries(text: str):
    """(msgid, msgstrs, flags) per entry of a .po file; just enough parsing for these checks."""
    entries, current, field = [], None, None

    def close():
        if current is not None and current["msgid"] is not None:
            entries.append(current)

    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if not line:
            close()
            current, field = None, None
            continue
        if current is None:
            current = {"msgid": None, "msgstr": {}, "flags": set(), "obsolete": False}
        if line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            field = None
        elif line.startswith("msgid "):
            current["msgid"], field = _unquote(line[6:]), "msgid"
        elif line.startswith("msgctxt "):
            field = None
        elif line.startswith("msgstr"):
            key = line[line.index("[") + 1 : line.index("]")] if line.startswith("msgstr[") else "0"
            field = ("msgstr", key)
            current["msgstr"][key] = _unquote(line.split(" ", 1)[1])
        elif line.startswith('"') and field == "msgid":
            current["msgid"] += _unquote(line)
        elif line.startswith('"') and field:
            current["msgstr"][field[1]] += _unquote(line)
    return [e for e in entries if not e["obsolete"]]


def _unquote(quoted: str) -> str:
    return quoted.strip()[1:-1]


def test_every_string_has_a_chinese_translation_and_none_is_fuzzy():
    entries = _entries(PO.read_text(encoding="utf-8"))
    header = next(e for e in entries if e["msgid"] == "")
    assert "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"]["0"]
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 500
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_catalogue_passes_msgfmt_check_and_the_mo_matches_the_po(tmp_path):
    require_tool(shutil.which("msgfmt") is not None, "msgfmt (gettext) is not installed")
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(compiled), str(PO)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr
    # Same translations in the committed .mo as in the .po: run compilemessages after editing the .po.
    fresh = gettext.GNUTranslations(compiled.open("rb"))._catalog
    committed = gettext.GNUTranslations(MO.open("rb"))._catalog
    assert committed == fresh


def test_domain_words_use_the_glossary():
    with translation.override("zh-hans"):
        assert translation.gettext("union organization") == "工会组织"
        assert translation.gettext("resident ID number") == "公民身份号码"
        assert translation.gettext("new-employment-form worker") == "新就业形态劳动者"
        assert translation.gettext("retained") == "保留会籍"
        assert translation.gettext("Roster upload") == "会员名册导入"


def test_home_page_is_chinese_by_default_and_english_after_switching(
    client, tree, county_staff, chinese_default
):
    client.force_login(county_staff)
    html = client.get(reverse("home")).content.decode()
    assert 'lang="zh-hans"' in html
    assert "欢迎" in html and "首页" in html
    assert "Welcome" not in html

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert "Welcome" in html and "Home" in html
    assert "欢迎" not in html
