// Live progress of the exports listed on /exports/: the live stream (live.js) reports each job's
// progress as it happens; while the stream is not open (blocked by a proxy, reconnecting), each
// queued or running job's API resource is polled instead, until it finishes. No framework.
const ACTIVE = new Set(["queued", "running"]);
const POLL_MS = 1000;

// The same units and rounding as Django's filesizeformat on the server-rendered rows: the
// table carries the active language's unit names (data-size-units), so one style per page.
function humanSize(bytes, table) {
  const units = (table.dataset.sizeUnits || "bytes,KB,MB,GB").split(",");
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  const digits = unit ? 1 : 0;
  const number = value.toLocaleString(document.documentElement.lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${number}\u00a0${units[unit]}`;
}

function render(row, job) {
  const state = row.querySelector('[data-role="state"]');
  state.className = `badge export-state export-state-${job.state}`;
  state.textContent = row.closest("table").dataset[`label${job.state[0].toUpperCase()}${job.state.slice(1)}`] || job.state;
  row.dataset.state = job.state;
  const bar = row.querySelector('[data-role="progressbar"]');
  bar.setAttribute("aria-valuenow", String(job.progress));
  bar.querySelector("span").style.width = `${job.progress}%`;
  row.querySelector('[data-role="percent"]').textContent = `${job.progress} %`;
  const rows = row.querySelector('[data-role="rows"]');
  if (job.row_count !== null) rows.textContent = String(job.row_count);
  else if (job.rows_total !== null) rows.textContent = `${job.rows_done} / ${job.rows_total}`;
  if (job.size !== null) row.querySelector('[data-role="size"]').textContent = humanSize(job.size, row.closest("table"));
  const active = ACTIVE.has(job.state);
  row.querySelector('[data-role="cancel"]').hidden = !active;
  row.querySelector('[data-role="download"]').hidden = !job.download_url;
  if (!active) {
    // Leave the full bar visible a moment after success so that the end is seen, then hide it.
    setTimeout(() => { row.querySelector('[data-role="progress-wrap"]').hidden = true; }, job.state === "succeeded" ? 2500 : 0);
    if (job.error) {
      let error = row.querySelector('[data-role="error"]');
      if (!error) {
        error = document.createElement("p");
        error.className = "export-error small";
        error.dataset.role = "error";
        row.querySelector(".export-state-cell").append(error);
      }
      error.textContent = job.error;
    }
  }
  return active;
}

// Answers after which asking again cannot help: signed out, no longer allowed, or gone.
const FINAL_STATUSES = new Set([401, 403, 404, 410]);
const MAX_DELAY_MS = 15000;
const streamOpen = () => document.documentElement.dataset.live === "open";

async function follow(row) {
  const url = row.dataset.api;
  let delay = POLL_MS;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (!ACTIVE.has(row.dataset.state)) return; // finished, as the stream reported
    if (streamOpen()) continue; // the stream reports it: no request
    let job;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (FINAL_STATUSES.has(response.status)) {
        row.dataset.polling = "stopped";
        row.querySelector('[data-role="progress-wrap"]').hidden = true;
        return;
      }
      if (!response.ok) {
        delay = Math.min(delay * 2, MAX_DELAY_MS); // server trouble: back off, keep trying
        continue;
      }
      job = await response.json();
    } catch {
      delay = Math.min(delay * 2, MAX_DELAY_MS); // network hiccup: back off
      continue;
    }
    delay = POLL_MS;
    if (!render(row, job)) return;
  }
}

// The page states each bar's width as data-progress (the CSP forbids style="" attributes).
for (const bar of document.querySelectorAll("[data-progress]")) {
  bar.style.width = `${Number(bar.dataset.progress) || 0}%`;
}

for (const row of document.querySelectorAll("tr[data-export-id]")) {
  if (ACTIVE.has(row.dataset.state)) follow(row);
}

document.addEventListener("live:job", (event) => {
  const { job_kind: kind, job } = event.detail;
  if (kind !== "export") return;
  const row = document.querySelector(`tr[data-export-id="${Number(job.id)}"]`);
  if (!row || Number(row.dataset.version || 0) > job.version) return;
  row.dataset.version = String(job.version);
  render(row, job);
});
