from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from annotator.articles.models import Article
from tests.factories import CandidacyFactory

pytestmark = pytest.mark.django_db


def write(path, data: bytes, meta: dict | None = None):
    path.write_bytes(data)
    if meta is not None:
        path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    return path


def test_import_stores_the_text_byte_for_byte_with_sidecar_metadata(tmp_path, capsys):
    candidacy = CandidacyFactory(key="hamon-2017")
    text = "# Titre\n\nLe candidat veut **taxer** les robots.\nLigne coupée\n"
    path = write(
        tmp_path / "a.md",
        text.encode(),
        {
            "title": "Hamon et les robots",
            "outlet": "Numerama",
            "kind": "article",
            "published_on": "2017-03-01",
            "candidacies": ["hamon-2017"],
        },
    )
    call_command("import_articles", str(path))
    article = Article.objects.get()
    assert article.text == text
    assert article.title == "Hamon et les robots"
    assert article.published_on.isoformat() == "2017-03-01"
    assert list(article.candidacies.all()) == [candidacy]
    assert article.revisions.get().text == text
    assert "imported as article" in capsys.readouterr().out


def test_import_without_sidecar_takes_the_title_from_the_first_line(tmp_path):
    call_command("import_articles", str(write(tmp_path / "b.txt", b"\n## Un titre\n\nCorps.")))
    assert Article.objects.get().title == "Un titre"


def test_import_refuses_a_duplicate_text_with_a_clear_message(tmp_path, capsys):
    first = write(tmp_path / "one.txt", "Même texte.".encode())
    second = write(tmp_path / "two.txt", "Même texte.".encode())
    call_command("import_articles", str(first))
    with pytest.raises(CommandError, match="1 of 1"):
        call_command("import_articles", str(second))
    assert "déjà enregistré comme article" in capsys.readouterr().err  # French first
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "texte est vide"),
        ("blank.txt", b"  \n\t\n", "texte est vide"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "fichier binaire"),
        ("latin1.txt", "Élection présidentielle".encode("latin-1"), "pas en UTF-8 valide"),
    ],
)
def test_import_rejects_empty_binary_and_non_utf8_files(tmp_path, capsys, name, data, message):
    with pytest.raises(CommandError):
        call_command("import_articles", str(write(tmp_path / name, data)))
    assert message in capsys.readouterr().err
    assert Article.objects.count() == 0


def test_import_rejects_unknown_candidacies_and_bad_dates(tmp_path, capsys):
    path = write(tmp_path / "c.txt", b"Texte.", {"title": "T", "candidacies": ["nobody-2099"]})
    with pytest.raises(CommandError):
        call_command("import_articles", str(path))
    assert "unknown candidacies" in capsys.readouterr().err
    path = write(tmp_path / "d.txt", b"Autre texte.", {"title": "T", "published_on": "mars 2017"})
    with pytest.raises(CommandError):
        call_command("import_articles", str(path))
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert Article.objects.count() == 0
