"""Steps shared by browser tests."""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def login(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Log in through the real login form."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


SELECT_JS = """([start, end]) => {
  // Viewport points of the left edge of stored offset `start` and the right edge of `end - 1`.
  const runs = Array.from(document.querySelectorAll('#reader-text .run'));
  function point(offset, side) {
    const run = runs.find(r => +r.dataset.start <= offset && offset < +r.dataset.end);
    const walker = document.createTreeWalker(run, NodeFilter.SHOW_TEXT);
    let at = +run.dataset.start;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (offset < at + node.data.length) {
        const range = document.createRange();
        range.setStart(node, offset - at);
        range.setEnd(node, offset - at + 1);
        const rect = range.getBoundingClientRect();
        return {x: side === 'left' ? rect.left + 1 : rect.right - 1, y: rect.top + rect.height / 2};
      }
      at += node.data.length;
    }
  }
  return [point(start, 'left'), point(end - 1, 'right')];
}"""


def select_with_mouse(page, start: int, end: int) -> None:  # type: ignore[no-untyped-def]
    page.locator("#reader-text").scroll_into_view_if_needed()
    page.evaluate(
        "([s]) => document.querySelector(`.run[data-start]`) && "
        "Array.from(document.querySelectorAll('#reader-text .run'))"
        ".find(r => +r.dataset.start <= s && s < +r.dataset.end).scrollIntoView({block: 'center'})",
        [start],
    )
    begin, finish = page.evaluate(SELECT_JS, [start, end])
    page.mouse.move(begin["x"], begin["y"])
    page.mouse.down()
    page.mouse.move((begin["x"] + finish["x"]) / 2, finish["y"], steps=4)
    page.mouse.move(finish["x"], finish["y"], steps=4)
    page.mouse.up()


def annotate(page, comment: str, proposal_search: str | None = None) -> None:  # type: ignore[no-untyped-def]
    toolbar_button = page.get_by_role("button", name="Annoter")
    toolbar_button.wait_for(state="visible")
    toolbar_button.click()
    page.fill("#composer-comment", comment)
    if proposal_search:
        page.fill("#proposal-search", proposal_search)
        option = page.locator("#proposal-results [role=option]").first
        option.wait_for(state="visible")
        option.click()
        page.locator("#linked-proposals li").first.wait_for(state="visible")
    page.click("#composer-save")
    page.locator("#composer").wait_for(state="hidden")


def marked_text(page, annotation_id: int) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "(id) => Array.from(document.querySelectorAll(`mark[data-annotation-id='${id}']`))"
        ".map(m => m.textContent).join('')",
        annotation_id,
    )
