"""The French and Arabic catalogues cover every user-facing string, and every shipped
framework text exists in English, French and Arabic (issue 14)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from frameworks.coverage import missing_texts
from frameworks.loader import load_file

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "ar")


def test_makemessages_finds_no_untranslated_or_fuzzy_entry(tmp_path):
    """Runs makemessages on a copy of the catalogues, so the working tree is left alone."""
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    env = {**os.environ, "DJANGO_LOCALE_DIR": str(tmp_path / "locale")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-location",
            "--no-obsolete",
            "--ignore=.venv",
            "--ignore=tests",
            "--ignore=node_modules",
            "--ignore=var",
            *[f"-l{lang}" for lang in LANGUAGES],
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    for lang in LANGUAGES:
        po = tmp_path / "locale" / lang / "LC_MESSAGES" / "django.po"
        stats = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        assert "untranslated" not in stats and "fuzzy" not in stats, (
            f"{lang}: {stats.strip()} - run `manage.py makemessages -l {lang} --no-location` "
            "and translate the new entries"
        )


@pytest.mark.parametrize("path", sorted((ROOT / "frameworks" / "data").glob("*.yaml")), ids=str)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_shipped_framework_text_is_translated(path, lang):
    spec = load_file(path).spec
    missing = missing_texts(spec, lang)
    assert not missing, f"{path.name} {lang}: {len(missing)} missing, e.g. {missing[:5]}"
