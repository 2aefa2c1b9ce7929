// Rating form helpers: a blocking obstacle caps feasibility at "hardly feasible" (the server
// enforces the same rule), and a live count of the justification's characters.
const form = document.querySelector(".rating-form");

if (form) {
  const obstacles = [...form.querySelectorAll("select[data-obstacle]")];
  const options = [...form.querySelectorAll('input[name="feasibility"]')];
  const help = form.querySelector("[data-blocking-help]");
  const capRank = 2;

  const applyCap = () => {
    const blocking = obstacles.some((select) => select.value === "3");
    for (const input of options) {
      const rank = Number(input.dataset.rank || 0);
      const capped = blocking && rank > capRank;
      input.disabled = capped;
      input.closest("label").classList.toggle("is-capped", capped);
      if (capped && input.checked) input.checked = false;
    }
    if (help) help.classList.toggle("form-error", blocking);
  };
  obstacles.forEach((select) => select.addEventListener("change", applyCap));
  applyCap();

  const justification = form.querySelector("#justification");
  const counter = form.querySelector("[data-char-count]");
  if (justification && counter) {
    justification.addEventListener("input", () => {
      counter.textContent = String(justification.value.trim().length);
    });
  }
}
