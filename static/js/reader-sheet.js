// The annotation sidebar as a bottom sheet below the phone breakpoint: collapsed to its handle
// while reading, raised when a highlight is tapped or the composer opens, so the annotation shows
// next to the passage instead of after the whole text. Above the breakpoint it does nothing.
const PHONE = matchMedia("(max-width: 900px)");

export class BottomSheet {
  constructor(panel, toggle) {
    this.panel = panel;
    this.toggle = toggle;
    this.state = toggle.querySelector(".sheet-state");
    this.count = toggle.querySelector('[data-role="sheet-count"]');
    toggle.addEventListener("click", () => (this.isOpen() ? this.close() : this.open()));
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && PHONE.matches && this.isOpen() && !event.defaultPrevented) {
        this.close();
        toggle.focus();
      }
    });
    PHONE.addEventListener("change", () => this.sync());
    this.sync();
  }

  isOpen() {
    return this.panel.classList.contains("sheet-open");
  }

  open() {
    if (!PHONE.matches) return;
    this.panel.classList.add("sheet-open");
    this.sync();
  }

  close() {
    this.panel.classList.remove("sheet-open");
    this.sync();
  }

  // Scrolls the page so that `element` (the tapped highlight) sits just under the top bar,
  // above the raised sheet.
  revealAbove(element) {
    if (!element || !PHONE.matches) return;
    const bar = document.querySelector(".topbar")?.getBoundingClientRect().height || 0;
    window.scrollBy({ top: element.getBoundingClientRect().top - bar - 16 });
  }

  setCount(n) {
    this.count.textContent = String(n);
  }

  sync() {
    const open = this.isOpen() && PHONE.matches;
    this.toggle.setAttribute("aria-expanded", String(open));
    this.state.textContent = open ? this.state.dataset.open : this.state.dataset.closed;
    // Collapsed on a phone, the cards are off screen: keep them out of the tab order too.
    for (const child of this.panel.children) {
      if (child !== this.toggle) child.inert = PHONE.matches && !open;
    }
  }
}
