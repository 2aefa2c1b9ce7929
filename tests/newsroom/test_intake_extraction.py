"""Turning bytes into the text we store: sniffing, extraction, refusals (no database)."""

from __future__ import annotations

import pytest

from annotator.articles import intake
from tests.factories.newsroom import ARTICLE_HTML, PDF_LINES, image_only_pdf, text_pdf


def test_plain_text_is_kept_byte_for_byte_including_crlf_and_trailing_spaces():
    raw = b"Titre  \r\n\r\nLigne un\r\nLigne deux   \n"
    assert intake.prepare_file(raw, filename="note.txt").text == raw.decode()


def test_markdown_is_stored_as_written_and_its_first_heading_suggests_the_title():
    raw = b"\n# Le plan fibre\n\nLe candidat promet **100 %** de fibre.\n"
    prepared = intake.prepare_file(raw, filename="plan.md")
    assert prepared.text == raw.decode()
    assert prepared.source_format == intake.MARKDOWN
    assert prepared.suggested_title == "Le plan fibre"


def test_html_keeps_the_main_content_and_drops_navigation_and_footer():
    prepared = intake.prepare_file(ARTICLE_HTML.encode(), filename="page.html")
    assert prepared.text.startswith("# La candidate veut un ministère du numérique\n\n")
    assert "## La 5G au programme" in prepared.text
    assert "Accueil" not in prepared.text
    assert "Mentions légales" not in prepared.text
    assert prepared.suggested_title == "La candidate veut un ministère du numérique"


def test_html_in_another_charset_is_read_with_its_declared_encoding():
    page = (
        '<html><head><meta charset="iso-8859-1"></head><body><article><h1>Élysée</h1>'
        "<p>Le président a présenté à l'Élysée un plan numérique très détaillé pour la fibre "
        "et la 5G partout en France, avec un budget prévu.</p></article></body></html>"
    )
    prepared = intake.prepare_file(page.encode("latin-1"), filename="page.html")
    assert prepared.text.startswith("# Élysée\n\nLe président a présenté à l'Élysée")


def test_pdf_text_keeps_the_hard_line_breaks_of_the_layout():
    prepared = intake.prepare_file(text_pdf(), filename="programme.pdf")
    assert prepared.text.splitlines() == [line for line in PDF_LINES if line]
    assert prepared.suggested_title == "Programme numérique"


def test_pdf_pages_are_separated_by_a_blank_line():
    from fpdf import FPDF

    pdf = FPDF()
    for words in ("Première page.", "Deuxième page."):
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.cell(0, 8, words)
    prepared = intake.prepare_file(bytes(pdf.output()), filename="two.pdf")
    assert prepared.text == "Première page.\n\nDeuxième page."


def test_a_pdf_without_a_text_layer_is_refused_with_a_clear_message():
    with pytest.raises(intake.NoTextLayerError, match="no text layer"):
        intake.prepare_file(image_only_pdf(), filename="scan.pdf")


@pytest.mark.parametrize(
    ("raw", "filename"),
    [
        (b"Juste du texte, pas un PDF.", "faux.pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image.txt"),
        (b"%PDF-1.4\n%...", "programme.html"),
        (b"<!doctype html><html><body><p>Bonjour</p></body></html>", "page.md"),
        (b"Un texte sans balise", "page.html"),
    ],
)
def test_a_file_whose_content_does_not_match_its_type_is_refused(raw, filename):
    with pytest.raises(intake.TypeMismatchError):
        intake.prepare_file(raw, filename=filename)


def test_an_unknown_extension_is_refused():
    with pytest.raises(intake.UnsupportedTypeError):
        intake.prepare_file(b"PK\x03\x04 docx", filename="programme.docx")


def test_the_content_type_is_used_when_the_name_has_no_known_extension():
    prepared = intake.prepare_file(b"Bonjour", filename="upload", content_type="text/plain")
    assert prepared.text == "Bonjour"


def test_non_utf8_text_is_refused_with_the_byte_position():
    with pytest.raises(intake.InvalidInputError, match="not valid UTF-8"):
        intake.prepare_file("Élysée".encode("latin-1"), filename="latin.txt")


@pytest.mark.parametrize("text", ["", "   ", "\n\t \r\n"])
def test_empty_or_whitespace_only_text_is_refused(text):
    with pytest.raises(intake.EmptySourceError):
        intake.source_prepare(text=text)


def test_a_file_over_the_size_limit_is_refused_before_extraction(settings):
    settings.MAX_SOURCE_BYTES = 100
    with pytest.raises(intake.SourceTooLargeError, match="limit is 100 bytes"):
        intake.prepare_file(b"x" * 101, filename="long.txt")
    assert intake.prepare_file(b"x" * 100, filename="ok.txt").text == "x" * 100


def test_giving_both_a_text_and_a_file_is_refused():
    with pytest.raises(intake.InvalidInputError, match="not several"):
        intake.source_prepare(text="Bonjour", file_bytes=b"Bonjour", filename="a.txt")
