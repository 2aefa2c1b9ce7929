"""The article text shown as paragraphs, every displayed run mapped to stored offsets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.articles.rendering import parse_blocks, render_article_text

CORPUS = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "corpus").glob("*.txt"))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_displayed_run_shows_exactly_the_stored_characters_it_points_to(path):
    text = path.read_text(encoding="utf-8")
    for block in parse_blocks(text):
        for run in block.runs:
            assert run.text == text[run.start : run.end].replace("\n", " ").replace("\t", " ")


def test_markdown_marks_are_hidden_and_rendered_as_headings_bold_italics_and_dead_links():
    text = "# Titre\n\nUn **gras**, un *italique* et [un lien](#) puis \\(sic\\)."
    html = render_article_text(text)
    assert re.search(
        r"<h2><span class=\"run\" data-start=\"2\" data-end=\"7\">Titre</span></h2>", html
    )
    assert '<strong><span class="run" data-start="14" data-end="18">gras</span></strong>' in html
    assert "<em>" in html and 'class="dead-link" href="#"' in html
    assert "**" not in html and "[un lien]" not in html and "\\(" not in html
    assert ">(</span>" in html


def test_hard_line_breaks_inside_a_paragraph_are_joined_and_blank_lines_separate_paragraphs():
    text = "Une phrase coupée\npar le PDF en deux.\n\nUn autre paragraphe."
    blocks = parse_blocks(text)
    assert [b.tag for b in blocks] == ["p", "p"]
    assert "".join(r.text for r in blocks[0].runs) == "Une phrase coupée par le PDF en deux."


def test_html_in_the_source_text_is_escaped():
    html = render_article_text("Texte <script>alert(1)</script> fin.")
    assert "<script>" not in html and "&lt;script&gt;" in html
