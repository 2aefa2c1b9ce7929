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

// Live (live.js): the number of ratings follows colleagues' submissions (a count only: the values
// stay blind), and a verdict published meanwhile is announced.
const ratings = document.querySelector("[data-proposal-id]");
const liveStrings = JSON.parse(document.getElementById("live-strings")?.textContent || "{}");

document.addEventListener("live:rating", (event) => {
  if (!ratings || event.detail.proposal !== Number(ratings.dataset.proposalId)) return;
  ratings.querySelector("[data-testid=rating-count]").textContent = String(event.detail.ratings);
});

document.addEventListener("live:verdict", (event) => {
  if (!ratings || event.detail.proposal !== Number(ratings.dataset.proposalId)) return;
  const notice = ratings.querySelector("[data-testid=verdict-live-notice]");
  notice.textContent = liveStrings.verdictPublished || "";
  notice.hidden = false;
});
