"""loadcontent / exportcontent: validation first, one transaction, idempotent, lossless."""

import io
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from guides.models import FAQ, Article, Food, Reference

CONTENT = Path(settings.CONTENT_DIR)


def dump():
    out = io.StringIO()
    call_command("dumpdata", "guides", stdout=out)
    return out.getvalue()


def load(path, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command("loadcontent", "--dir", str(path), stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def test_second_load_is_idempotent(content):
    before = dump()
    out, _ = load(CONTENT)
    assert "No changes" in out
    assert dump() == before


def test_counts_are_reported(content, copy):
    path = copy / "articles" / "magnesium-deficiency.md"
    path.write_text(re.sub(r"^updated: .*$", "updated: 2026-11-22", path.read_text(), count=1, flags=re.M))
    out, _ = load(copy)
    line = next(row for row in out.splitlines() if row.startswith("articles"))
    # created, taken, kept, deleted, conflict, unchanged
    assert line.split()[1:] == ["0", "1", "0", "0", "0", str(Article.objects.count() - 1)]
    assert Article.objects.get(slug="magnesium-deficiency").updated.isoformat() == "2026-11-22"


def test_export_after_load_reproduces_content_byte_for_byte(content, tmp_path):
    call_command("exportcontent", "--dir", str(tmp_path), stdout=io.StringIO())
    expected = sorted(p.relative_to(CONTENT) for p in CONTENT.rglob("*") if p.is_file())
    actual = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert actual == expected
    for rel in expected:
        assert (tmp_path / rel).read_bytes() == (CONTENT / rel).read_bytes(), rel


def test_dry_run_writes_nothing(db, copy):
    Article.objects.all().delete()
    FAQ.objects.all().delete()
    out, _ = load(copy, dry_run=True)
    assert "Dry run" in out
    assert not Article.objects.exists()


CORRUPTIONS = {
    "yaml": ("foods.yaml", lambda t: t.replace("- slug:", "- slug: [unclosed", 1), "foods.yaml:", "YAML error"),
    "missing-field": (
        "articles/magnesium-testing.md",
        lambda t: t.replace("\ntitle:", "\nnot_title:", 1),
        "articles/magnesium-testing.md",
        "title: missing required field",
    ),
    "unknown-reference": (
        "articles/magnesium-testing.md",
        lambda t: t + "\nA claim [@NoSuchRef1999].\n",
        "articles/magnesium-testing.md",
        "unknown citation key 'NoSuchRef1999'",
    ),
    "unknown-link": (
        "articles/magnesium-testing.md",
        lambda t: t + "\nSee [[no-such-guide]].\n",
        "articles/magnesium-testing.md",
        "unknown link target 'no-such-guide'",
    ),
    "unknown-topic": (
        "articles/magnesium-testing.md",
        lambda t: t.replace("topics:\n", "topics:\n- no-such-topic\n", 1),
        "articles/magnesium-testing.md",
        "topics: unknown topic 'no-such-topic'",
    ),
    "unknown-source": (
        "foods.yaml",
        lambda t: t.replace("  sources:\n", "  sources:\n  - NotAKey\n", 1),
        "foods.yaml:",
        "sources: unknown reference 'NotAKey'",
    ),
    "bad-number": (
        "foods.yaml",
        lambda t: t.replace("  magnesium_mg: 156", "  magnesium_mg: lots", 1),
        "foods.yaml:",
        "magnesium_mg: must be a number",
    ),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupt_file_fails_names_it_and_changes_nothing(content, copy, case):
    rel, corrupt, where, message = CORRUPTIONS[case]
    path = copy / rel
    path.write_text(corrupt(path.read_text()))
    # Also make a valid change elsewhere: it must not be written either.
    topics = copy / "topics.yaml"
    topics.write_text(topics.read_text().replace("order: 10", "order: 11", 1))
    before = dump()
    out_err = io.StringIO()
    with pytest.raises(CommandError, match="the database was not changed"):
        call_command("loadcontent", "--dir", str(copy), stdout=io.StringIO(), stderr=out_err)
    errors = out_err.getvalue()
    assert where in errors and message in errors, errors
    assert dump() == before


def test_yaml_error_names_the_line(db, copy):
    path = copy / "topics.yaml"
    lines = path.read_text().splitlines()
    lines[3] = "  name: [broken"
    path.write_text("\n".join(lines) + "\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("loadcontent", "--dir", str(copy), stdout=io.StringIO(), stderr=err)
    assert "topics.yaml:5" in err.getvalue() or "topics.yaml:4" in err.getvalue(), err.getvalue()


def test_duplicate_slug_is_an_error(db, copy):
    src = copy / "articles" / "magnesium-testing.md"
    (copy / "articles" / "magnesium-testing-2.md").write_text(src.read_text())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("loadcontent", "--dir", str(copy), stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    assert "magnesium-testing-2.md" in text
    assert "duplicate article 'magnesium-testing'" in text


def test_nonzero_exit_from_the_command_line(tmp_path, copy):
    import subprocess
    import sys

    (copy / "people.yaml").write_text("- slug: x\n  name: [\n")
    env = {
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "loadcontent", "--dir", str(copy)],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0
    assert "people.yaml:" in result.stderr


def test_load_renders_and_links_citations(content):
    article = Article.objects.get(slug="magnesium-and-potassium")
    assert article.citations.count() >= 3
    first = article.citations.order_by("number").first()
    assert f'href="#source-{first.number}"' in article.body_html
    assert Reference.objects.filter(key="HuangKuo2007").exists()
    assert Food.objects.count() >= 30
