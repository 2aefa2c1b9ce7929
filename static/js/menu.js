// The top bar's menu button (below the breakpoint) and the account menu.
// The button toggles aria-expanded and the panel it controls; Escape closes either menu and
// gives focus back to the control that opened it; a click outside closes the account menu.
const toggle = document.querySelector("[data-menu-toggle]");
const panel = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
const account = document.querySelector("[data-account-menu]");

function setOpen(open) {
  toggle.setAttribute("aria-expanded", String(open));
  panel.classList.toggle("is-open", open);
  document.body.classList.toggle("menu-open", open);
}

if (toggle && panel) {
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  // Back above the breakpoint the panel is the inline bar again: forget the open state.
  matchMedia("(min-width: 1101px)").addEventListener("change", (event) => {
    if (event.matches) setOpen(false);
  });
}

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  if (account?.open) {
    account.open = false;
    account.querySelector("summary").focus();
  } else if (toggle?.getAttribute("aria-expanded") === "true") {
    setOpen(false);
    toggle.focus();
  }
});

document.addEventListener("click", (event) => {
  if (account?.open && !account.contains(event.target)) account.open = false;
});
