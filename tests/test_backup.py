"""manage.py backup: a real backup, restored and checked, on SQLite and PostgreSQL."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from guides import backup
from guides.models import Article


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_check(tmp_path, live_content):
    out = io.StringIO()
    call_command("backup", "--dir", str(tmp_path), stdout=out)
    assert "Restore check passed" in out.getvalue()
    files = [p for p in tmp_path.iterdir() if not p.name.endswith(".json")]
    assert len(files) == 1
    manifest = json.loads((tmp_path / f"{files[0].name}.json").read_text())
    assert manifest["rows"]["guides_article"] == Article.objects.count() > 0
    assert backup.verify(files[0]) == []


@pytest.mark.django_db(transaction=True)
def test_verify_detects_a_mismatch(tmp_path, live_content):
    call_command("backup", "--dir", str(tmp_path), stdout=io.StringIO())
    path = next(p for p in tmp_path.iterdir() if not p.name.endswith(".json"))
    manifest_path = tmp_path / f"{path.name}.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["rows"]["guides_article"] += 1
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="restore check failed"):
        call_command("backup", "--verify", str(path), stdout=io.StringIO(), stderr=io.StringIO())
