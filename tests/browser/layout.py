"""Layout checks shared by the browser tests: sideways scrolling, the navigation, axe-core.

axe-core is vendored in static/vendor/axe-core (MPL-2.0, licence beside it) and loaded from the
app's own static files, so the check runs offline and under the Content-Security-Policy.
"""

from __future__ import annotations

from typing import Any

AXE_URL = "/static/vendor/axe-core/axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n")[1]),
  }));
}"""


def sideways_overflow(page: Any) -> int:
    """How many pixels the page is wider than the viewport (0 when nothing scrolls sideways)."""
    return int(
        page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - window.innerWidth"
        )
    )


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical axe-core violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    found = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in BLOCKING_IMPACTS]


def unreachable_navigation(page: Any, hrefs: list[str]) -> list[str]:
    """The entries of `hrefs` that a person cannot see and click in the top bar: opens the menu
    button when there is one (checking its aria-expanded), then the account menu."""
    problems: list[str] = []
    toggle = page.locator("[data-menu-toggle]")
    if toggle.is_visible():
        if toggle.get_attribute("aria-expanded") != "false":
            problems.append("menu button not collapsed at first")
        toggle.click()
        if toggle.get_attribute("aria-expanded") != "true":
            problems.append("menu button did not say it opened")
    account = page.locator("[data-account-menu] summary")
    if any(href in ("/team/", "/admin/") for href in hrefs):
        account.click()
    width = page.evaluate("() => window.innerWidth")
    for href in hrefs:
        link = page.locator(f'.topbar a[href="{href}"]').first
        if not link.count() or not link.is_visible():
            problems.append(f"{href} hidden")
            continue
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        if box is None or box["x"] < 0 or box["x"] + box["width"] > width + 0.5:
            problems.append(f"{href} clipped")
    if toggle.is_visible():
        toggle.click()
        if toggle.get_attribute("aria-expanded") != "false":
            problems.append("menu button did not close")
    return problems
