"""`manage.py import_framework`: validate every file first, store all or nothing.

Bad files are made from `tests/fixtures/mini.yaml` (loaded, mutated, dumped) or
written as literal text. Each bad call also passes valid files, which must not be
imported either: one changed revision of an existing framework and one new one.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from assessments.models import Assessment
from frameworks import loader
from frameworks.models import Domain, Framework, Question
from tests.conftest import FIXTURES

MINI = FIXTURES / "mini.yaml"
ROOT = Path(__file__).resolve().parents[2]
Data = dict[str, object]


def _mini() -> Data:
    return yaml.safe_load(MINI.read_text(encoding="utf-8"))


def _dump(path: Path, data: Data, **options: object) -> Path:
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, **options), encoding="utf-8"
    )
    return path


def _question(data: Data, domain: int, index: int) -> dict:
    return data["domains"][domain]["questions"][index]


def _sub_question(data: Data, index: int) -> dict:
    return data["domains"][1]["subdomains"][0]["questions"][index]


def _import(*paths: Path | str, dry_run: bool = False) -> str:
    out, err = StringIO(), StringIO()
    extra = ["--dry-run"] if dry_run else []
    call_command("import_framework", *map(str, paths), *extra, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def _import_fails(*paths: Path | str, dry_run: bool = False) -> tuple[str, str, str]:
    """Run a call that must fail; return (stderr, stdout, the CommandError text)."""
    out, err = StringIO(), StringIO()
    extra = ["--dry-run"] if dry_run else []
    with pytest.raises(CommandError) as caught:
        call_command("import_framework", *map(str, paths), *extra, stdout=out, stderr=err)
    assert caught.value.returncode == 1
    return err.getvalue(), out.getvalue(), str(caught.value)


def _counts() -> tuple[int, int, int]:
    return Framework.objects.count(), Domain.objects.count(), Question.objects.count()


def _snapshot(framework: Framework) -> list[dict]:
    """Every stored value of a revision and its nodes, to prove nothing was touched."""
    rows = [Framework.objects.filter(pk=framework.pk).values().get()]
    rows += list(Domain.objects.filter(framework=framework).order_by("pk").values())
    rows += list(Question.objects.filter(framework=framework).order_by("pk").values())
    return rows


@pytest.fixture
def valid_companions(tmp_path: Path, framework: Framework) -> list[Path]:
    """Two valid files: a changed `mini` (would be rev. 2) and a new framework `other`."""
    folder = tmp_path / "valid"
    folder.mkdir()
    changed = _mini()
    _question(changed, 0, 0)["text"] = "Is there a published strategy?"
    other = _mini()
    other["id"] = "other"
    other["name"] = "Other framework"
    return [_dump(folder / "mini.yaml", changed), _dump(folder / "other.yaml", other)]


def _assert_nothing_imported(before: tuple[int, int, int]) -> None:
    assert _counts() == before
    assert not Framework.objects.filter(key="other").exists()
    assert list(Framework.objects.filter(key="mini").values_list("revision", flat=True)) == [1]


# --- valid files ---------------------------------------------------------------------------


def test_it_imports_a_valid_file_with_all_its_nodes(db: None) -> None:
    out = _import(MINI)

    assert "mini.yaml: mini rev. 1 created" in out
    assert "1 framework(s) checked, 1 changed." in out
    framework = Framework.objects.get(key="mini")
    assert (framework.revision, framework.version, framework.name) == (1, "1.0", "Mini framework")
    assert framework.scoring_method == "average"
    assert framework.question_count == 5
    assert [b["min_score"] for b in framework.bands] == [0, 20, 40, 60, 80]
    assert [level["name"] for level in framework.scale][0] == "Start-up"
    assert framework.licence_notice == "(c) 2026 test"
    assert framework.redistributable is True
    domains = {d.code: d for d in framework.domains.all()}
    assert set(domains) == {"GOV", "OPS", "OPS.A"}
    assert domains["OPS.A"].parent == domains["OPS"]
    assert (domains["GOV"].weight, domains["GOV"].target_level) == (2.0, 4)
    questions = {q.code: q for q in framework.questions.all()}
    assert list(questions) == ["GOV-01", "GOV-02", "OPS-01", "OPS-02", "OPS-03"]
    assert questions["GOV-01"].level_descriptors == [
        "None",
        "Draft",
        "Adopted",
        "Funded",
        "Reviewed",
    ]
    assert questions["GOV-01"].recommendations["5"] == "Review it."
    assert questions["GOV-02"].practice_level == 2
    assert questions["GOV-02"].allow_na is True
    assert questions["OPS-02"].domain == domains["OPS"]
    assert questions["OPS-02"].section == domains["OPS.A"]
    assert questions["OPS-02"].thresholds[-1] == {"min": 10, "score": 1}
    assert questions["OPS-02"].unit == "FTE"
    assert questions["OPS-03"].required is False


def test_it_stores_nothing_when_storing_a_later_file_fails(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _mini()
    other["id"] = "other"
    second = _dump(tmp_path / "other.yaml", other)
    real_bulk_create = Question.objects.bulk_create
    calls = []

    def failing_on_the_second_file(objs: list[Question], *args: object, **kwargs: object):
        calls.append(objs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(Question.objects, "bulk_create", failing_on_the_second_file)

    with pytest.raises(RuntimeError):
        _import(MINI, second)

    assert _counts() == (0, 0, 0)


def test_it_changes_nothing_when_the_same_file_is_imported_again(framework: Framework) -> None:
    before = _snapshot(framework)

    out = _import(MINI)

    assert "mini.yaml: mini rev. 1 unchanged" in out
    assert "1 framework(s) checked, 0 changed." in out
    assert Framework.objects.count() == 1
    assert _snapshot(framework) == before


def test_it_stores_a_changed_file_as_a_new_revision_and_leaves_the_old_one_untouched(
    tmp_path: Path, framework: Framework, assessment: Assessment
) -> None:
    before = _snapshot(framework)
    changed = _mini()
    changed["version"] = "1.1"
    _question(changed, 0, 0)["text"] = "Is there a published national strategy?"
    _sub_question(changed, 0)["weight"] = 3

    out = _import(_dump(tmp_path / "mini.yaml", changed))

    assert "mini.yaml: mini rev. 2 new revision" in out
    assert "1 changed." in out
    assert _snapshot(framework) == before
    old_text = Question.objects.get(framework=framework, code="GOV-01").text
    assert old_text == "Is there a strategy?"
    new = Framework.objects.get(key="mini", revision=2)
    assert new.version == "1.1"
    assert new.questions.get(code="GOV-01").text == "Is there a published national strategy?"
    assert new.questions.get(code="OPS-01").weight == 3.0
    assert new.domains.count() == 3
    assert new.questions.count() == 5
    assessment.refresh_from_db()
    assert assessment.framework_id == framework.pk


def test_it_numbers_each_further_change_as_the_next_revision(
    tmp_path: Path, framework: Framework
) -> None:
    data = _mini()
    for revision in (2, 3):
        data["description"] = f"Change number {revision}."
        data["version"] = f"1.{revision}"
        out = _import(_dump(tmp_path / "mini.yaml", data))
        assert f"mini rev. {revision} new revision" in out

    assert list(
        Framework.objects.filter(key="mini").order_by("revision").values_list("revision", flat=True)
    ) == [1, 2, 3]


def _sorted_keys_and_wide_indent(path: Path) -> None:
    text = yaml.safe_dump(_mini(), sort_keys=True, indent=6, width=60)
    path.write_text("# Reformatted by hand.\n\n" + text, encoding="utf-8")


def _flow_style(path: Path) -> None:
    path.write_text(yaml.safe_dump(_mini(), default_flow_style=True, width=200))


def _defaults_written_out(path: Path) -> None:
    data = _mini()
    data["domains"][1]["weight"] = 1.0
    data["domains"][1]["target_level"] = 3
    _question(data, 0, 0)["allow_na"] = False
    data["version"] = 1.0  # unquoted: YAML reads a float, the schema keeps "1.0"
    _dump(path, data)


@pytest.mark.parametrize(
    "reformat", [_sorted_keys_and_wide_indent, _flow_style, _defaults_written_out]
)
def test_it_does_not_treat_a_reformatted_file_as_a_new_revision(
    tmp_path: Path, framework: Framework, reformat: Callable[[Path], None]
) -> None:
    path = tmp_path / "renamed.yaml"
    reformat(path)
    assert path.read_text() != MINI.read_text()

    out = _import(path)

    assert "renamed.yaml: mini rev. 1 unchanged" in out
    assert Framework.objects.count() == 1


def test_it_imports_every_framework_file_in_a_folder(db: None, tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    _dump(tmp_path / "a.yaml", _mini())
    other = _mini()
    other["id"] = "other"
    _dump(tmp_path / "nested" / "b.yml", other)
    (tmp_path / "notes.txt").write_text("not: a framework\n")

    out = _import(tmp_path)

    assert "a.yaml: mini rev. 1 created" in out
    assert "b.yml: other rev. 1 created" in out
    assert "2 framework(s) checked, 2 changed." in out
    assert set(Framework.objects.values_list("key", flat=True)) == {"mini", "other"}


# --- --dry-run -------------------------------------------------------------------------------


def test_a_dry_run_stores_nothing_for_a_new_framework(db: None) -> None:
    out = _import(MINI, dry_run=True)

    assert "[dry run] mini.yaml: mini rev. 1 created" in out
    assert "[dry run] 1 framework(s) checked, 1 would change." in out
    assert _counts() == (0, 0, 0)


def test_a_dry_run_stores_nothing_for_a_changed_framework(
    tmp_path: Path, framework: Framework
) -> None:
    before = _counts()
    changed = _mini()
    changed["name"] = "Mini framework, second edition"
    changed["version"] = "2.0"

    out = _import(_dump(tmp_path / "mini.yaml", changed), dry_run=True)

    assert "[dry run] mini.yaml: mini rev. 2 new revision" in out
    assert _counts() == before
    assert Framework.objects.get().name == "Mini framework"


def test_a_dry_run_still_reports_bad_files_with_exit_status_1(
    tmp_path: Path, valid_companions: list[Path]
) -> None:
    before = _counts()
    bad = _mini()
    _question(bad, 0, 1)["weight"] = 0

    err, _, _ = _import_fails(*valid_companions, _dump(tmp_path / "bad.yaml", bad), dry_run=True)

    assert "bad.yaml: domains[0].questions[1].weight: must be > 0" in err
    _assert_nothing_imported(before)


# --- bad input --------------------------------------------------------------------------------


def _unknown_top_level_key(data: Data) -> None:
    data["colour"] = "red"


def _unknown_question_key(data: Data) -> None:
    _question(data, 0, 0)["colour"] = "red"


def _missing_name(data: Data) -> None:
    del data["name"]


def _missing_licence(data: Data) -> None:
    del data["licence"]


def _missing_question_text(data: Data) -> None:
    del _sub_question(data, 1)["text"]


def _duplicate_question_code(data: Data) -> None:
    _question(data, 0, 1)["code"] = "GOV-01"


def _duplicate_question_code_in_a_subdomain(data: Data) -> None:
    _sub_question(data, 0)["code"] = "GOV-02"


def _bad_kind(data: Data) -> None:
    _question(data, 0, 0)["kind"] = "essay"


def _four_level_descriptors(data: Data) -> None:
    del _question(data, 0, 0)["levels"][-1]


def _six_level_descriptors(data: Data) -> None:
    _question(data, 0, 0)["levels"].append("Beyond")


def _zero_question_weight(data: Data) -> None:
    _question(data, 0, 1)["weight"] = 0


def _negative_question_weight(data: Data) -> None:
    _sub_question(data, 1)["weight"] = -2


def _zero_domain_weight(data: Data) -> None:
    data["domains"][1]["weight"] = 0


def _practice_level_above_the_scale(data: Data) -> None:
    _question(data, 0, 1)["practice_level"] = 6


def _practice_level_below_the_scale(data: Data) -> None:
    _question(data, 0, 1)["practice_level"] = 0


BAD_DATA = [
    (_unknown_top_level_key, "colour: unknown key"),
    (_unknown_question_key, "domains[0].questions[0].colour: unknown key"),
    (_missing_name, "name: missing required field"),
    (_missing_licence, "licence: missing required field"),
    (_missing_question_text, "domains[1].subdomains[0].questions[1].text: missing required field"),
    (
        _duplicate_question_code,
        "domains[0].questions[1].code: duplicate question code 'GOV-01' "
        "(first at domains[0].questions[0])",
    ),
    (
        _duplicate_question_code_in_a_subdomain,
        "domains[1].subdomains[0].questions[0].code: duplicate question code 'GOV-02' "
        "(first at domains[0].questions[1])",
    ),
    (_bad_kind, "domains[0].questions[0].kind: Input should be 'maturity', 'practice'"),
    (
        _four_level_descriptors,
        "domains[0].questions[0]: a 'maturity' question needs exactly 5 level descriptors",
    ),
    (
        _six_level_descriptors,
        "domains[0].questions[0]: a 'maturity' question needs exactly 5 level descriptors",
    ),
    (_zero_question_weight, "domains[0].questions[1].weight: must be > 0"),
    (_negative_question_weight, "domains[1].subdomains[0].questions[1].weight: must be > 0"),
    (_zero_domain_weight, "domains[1].weight: must be > 0"),
    (
        _practice_level_above_the_scale,
        "domains[0].questions[1].practice_level: Input should be less than or equal to 5",
    ),
    (
        _practice_level_below_the_scale,
        "domains[0].questions[1].practice_level: Input should be greater than or equal to 1",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), BAD_DATA, ids=[m.__name__.strip("_") for m, _ in BAD_DATA]
)
def test_it_rejects_a_bad_file_naming_file_and_place_and_imports_nothing(
    tmp_path: Path,
    valid_companions: list[Path],
    mutate: Callable[[Data], None],
    expected: str,
) -> None:
    before = _counts()
    data = _mini()
    data["id"] = "broken"
    mutate(data)
    bad = _dump(tmp_path / "national-strategy.yaml", data)

    err, out, message = _import_fails(*valid_companions, bad)

    assert f"national-strategy.yaml: {expected}" in err
    assert "1 file(s) with problems; nothing was imported." in message
    assert out == ""
    _assert_nothing_imported(before)


ALIAS_BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)
NAME_WITH_A_TAG = MINI.read_text().replace(
    "name: Mini framework", 'name: !!python/object/apply:os.system ["echo pwned"]'
)
BAD_TEXT = {
    "empty": ("", "the file is empty"),
    "only_whitespace": ("  \n\n\t\n", "the file is empty"),
    "only_comments": ("# a framework will go here\n", "the file is empty"),
    "not_yaml": ("id: [mini\nname: Mini\n", "line 2: not valid YAML"),
    "not_utf8": ("id: caf\xe9\n".encode("latin-1"), "the file is not UTF-8 text"),
    "a_list": (
        "- id: mini\n- name: Mini\n",
        "the file must be a YAML mapping (key: value), not a list",
    ),
    "a_string": ("just some words\n", "the file must be a YAML mapping (key: value), not a str"),
    "python_tag": (
        "!!python/object/apply:os.system ['touch /tmp/pwned']\n",
        "line 1: not valid YAML: YAML tags are not allowed",
    ),
    "python_tag_in_a_field": (NAME_WITH_A_TAG, "line 3: not valid YAML: YAML tags are not allowed"),
    "plain_tag": ("id: !!str mini\n", "line 1: not valid YAML: YAML tags are not allowed"),
    "anchor": ("id: mini\nname: &n Mini\n", "line 2: not valid YAML: YAML anchors are not allowed"),
    "alias": ("id: mini\nname: *n\n", "line 2: not valid YAML: YAML aliases are not allowed"),
    "alias_bomb": (ALIAS_BOMB, "line 1: not valid YAML: YAML anchors are not allowed"),
}


@pytest.mark.parametrize(("content", "expected"), BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_it_rejects_a_file_that_is_not_a_yaml_mapping_naming_file_and_place(
    tmp_path: Path, valid_companions: list[Path], content: str | bytes, expected: str
) -> None:
    before = _counts()
    bad = tmp_path / "national-strategy.yaml"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")

    err, out, _ = _import_fails(*valid_companions, bad)

    assert f"national-strategy.yaml: {expected}" in err
    assert out == ""
    _assert_nothing_imported(before)


def test_it_refuses_an_alias_bomb_quickly(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    # Nine levels of nine aliases each: ~387 million nodes if it were expanded.
    bomb.write_text(ALIAS_BOMB)
    started = time.perf_counter()

    with pytest.raises(loader.FrameworkFileError, match="YAML anchors are not allowed"):
        loader.load_file(bomb)

    assert time.perf_counter() - started < 1.0


def test_it_refuses_a_file_over_the_size_cap_before_parsing_it(
    tmp_path: Path, valid_companions: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _counts()
    big = tmp_path / "big.yaml"
    big.write_text(ALIAS_BOMB + "# padding\n" * 500)
    size = big.stat().st_size
    parsed: list[str] = []
    real_parse_text = loader.parse_text

    def spy(text: str, name: str) -> object:
        parsed.append(name)
        return real_parse_text(text, name)

    monkeypatch.setattr(loader, "parse_text", spy)

    with override_settings(FRAMEWORK_MAX_BYTES=4_000):
        err, _, _ = _import_fails(*valid_companions, big)

    assert f"big.yaml: the file is {size:,} bytes, over the limit of 4,000 bytes" in err
    assert "big.yaml" not in parsed
    assert "not valid YAML" not in err
    _assert_nothing_imported(before)


def test_it_accepts_a_file_exactly_at_the_size_cap(db: None) -> None:
    with override_settings(FRAMEWORK_MAX_BYTES=MINI.stat().st_size):
        out = _import(MINI)

    assert "mini rev. 1 created" in out


def test_it_reports_every_bad_file_of_a_call(tmp_path: Path, valid_companions: list[Path]) -> None:
    before = _counts()
    first = _mini()
    first["id"] = "first"
    _question(first, 0, 1)["weight"] = -1
    second = _mini()
    second["id"] = "second"
    _question(second, 0, 0)["kind"] = "essay"
    (tmp_path / "empty.yaml").write_text("")

    err, _, message = _import_fails(
        *valid_companions,
        _dump(tmp_path / "first.yaml", first),
        _dump(tmp_path / "second.yaml", second),
        tmp_path / "empty.yaml",
    )

    assert "first.yaml: domains[0].questions[1].weight: must be > 0" in err
    assert "second.yaml: domains[0].questions[0].kind:" in err
    assert "empty.yaml: the file is empty" in err
    assert "3 file(s) with problems; nothing was imported." in message
    _assert_nothing_imported(before)


def test_it_rejects_two_files_with_the_same_framework_id(db: None, tmp_path: Path) -> None:
    copy_of_mini = _dump(tmp_path / "copy.yaml", _mini())

    err, _, _ = _import_fails(MINI, copy_of_mini)

    assert "framework id 'mini' is also in" in err
    assert _counts() == (0, 0, 0)


def test_it_rejects_a_path_that_does_not_exist(db: None, tmp_path: Path) -> None:
    _, _, message = _import_fails(MINI, tmp_path / "missing.yaml")

    assert "no such file or folder" in message
    assert "missing.yaml" in message
    assert _counts() == (0, 0, 0)


def test_it_rejects_a_folder_without_framework_files(db: None, tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("nothing here")

    _, _, message = _import_fails(tmp_path)

    assert "no framework files" in message


# --- bugs found while writing these tests, now fixed ----------------------------------------


@pytest.mark.parametrize(
    ("index", "value"),
    # Placed where the "increase strictly" rule cannot catch them by accident.
    [(2, float("nan")), (2, float("inf")), (0, float("-inf"))],
    ids=["nan", "inf", "minus_inf"],
)
def test_it_rejects_a_threshold_that_is_not_a_finite_number(
    db: None, tmp_path: Path, index: int, value: float
) -> None:
    data = _mini()
    _sub_question(data, 1)["thresholds"][index]["min"] = value

    err, _, _ = _import_fails(_dump(tmp_path / "broken.yaml", data))

    assert f"broken.yaml: domains[1].subdomains[0].questions[1].thresholds[{index}].min:" in err
    assert _counts() == (0, 0, 0)


def test_it_names_the_place_of_a_duplicate_question_code(db: None, tmp_path: Path) -> None:
    data = _mini()
    _duplicate_question_code(data)

    err, _, _ = _import_fails(_dump(tmp_path / "broken.yaml", data))

    assert "broken.yaml: domains[0].questions[1]" in err


def test_it_names_an_unknown_key_that_contains_a_bracket(db: None, tmp_path: Path) -> None:
    data = _mini()
    _question(data, 0, 0)["levels[0]"] = "None"

    err, _, _ = _import_fails(_dump(tmp_path / "broken.yaml", data))

    assert "broken.yaml: domains[0].questions[0].levels[0]: unknown key" in err


def test_it_does_not_treat_a_default_written_out_as_a_new_revision(
    tmp_path: Path, framework: Framework
) -> None:
    data = _mini()
    _sub_question(data, 2)["required"] = False  # OPS-03 is a 'text' question: the default

    out = _import(_dump(tmp_path / "mini.yaml", data))

    assert "mini.yaml: mini rev. 1 unchanged" in out


# --- a real process --------------------------------------------------------------------------


def test_it_exits_with_status_1_and_explains_on_stderr_as_a_real_command(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    bad = _mini()
    _question(bad, 0, 1)["weight"] = 0
    _dump(tmp_path / "national-strategy.yaml", bad)

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    migrated = manage("migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    result = manage("import_framework", str(MINI), str(tmp_path / "national-strategy.yaml"))

    assert result.returncode == 1
    assert "national-strategy.yaml: domains[0].questions[1].weight: must be > 0" in result.stderr
    assert "nothing was imported" in result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        (stored,) = connection.execute("select count(*) from frameworks_framework").fetchone()
    assert stored == 0


def test_it_refuses_changed_content_under_a_stored_version_label(
    tmp_path: Path, framework: Framework
) -> None:
    # Found by issue 10: a changed file could keep its version label.
    before = _counts()
    changed = _mini()
    _question(changed, 0, 0)["weight"] = 5

    err, _, _ = _import_fails(_dump(tmp_path / "mini.yaml", changed))

    assert "version '1.0' of 'mini' is already stored (revision 1) with different content" in err
    assert "new 'version' label" in err
    assert _counts() == before


def test_reimporting_an_earlier_file_after_an_edit_finds_its_revision(
    tmp_path: Path, framework: Framework
) -> None:
    # Found by issue 10: this raised an uncaught IntegrityError.
    changed = _mini()
    changed["version"] = "1.1"
    changed["description"] = "Edited."
    _import(_dump(tmp_path / "mini.yaml", changed))

    out = _import(MINI)

    assert "mini rev. 1 unchanged" in out
    assert list(Framework.objects.values_list("revision", flat=True).order_by("revision")) == [
        1,
        2,
    ]


def test_it_refuses_a_gated_target_above_the_highest_practice_level(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "frameworks/data/incident-response.yaml"
    data = yaml.safe_load(shipped.read_text())
    first = data["domains"][0]
    first["target_level"] = 3
    for question in [
        *first.get("questions", []),
        *(q for sub in first.get("subdomains", []) for q in sub["questions"]),
    ]:
        if question["kind"] == "practice":
            question["practice_level"] = min(question["practice_level"], 2)
            question.get("recommendations", {}).clear()
    err, _, _ = _import_fails(_dump(tmp_path / "gated.yaml", data))
    assert f"domain {first['code']!r}: target_level 3 is above its highest practice level 2" in err
