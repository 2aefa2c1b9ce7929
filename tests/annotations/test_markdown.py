from __future__ import annotations

from html.parser import HTMLParser

from annotator.lib.markdown import render_markdown


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


def test_markdown_renders_emphasis_and_links():
    html = render_markdown("**Chiffre** faux, voir [l'INSEE](https://www.insee.fr).")
    assert "<strong>Chiffre</strong>" in html
    assert 'href="https://www.insee.fr"' in html


def test_script_tags_event_handlers_and_javascript_urls_do_not_survive():
    html = render_markdown(
        "<script>alert(1)</script> <img src=x onerror=alert(2)> "
        '[clic](javascript:alert(3)) <a href="javascript:alert(4)">x</a>'
    )
    tags = tags_of(html)
    assert {tag for tag, _ in tags} <= {"p", "a"}
    for _, attrs in tags:
        assert not [name for name in attrs if name.startswith("on")]
        assert not (attrs.get("href") or "").lower().startswith("javascript")


def test_empty_comment_renders_nothing():
    assert render_markdown("") == ""
