// /imports/: a drop zone that fills the file input; /imports/<id>/: the job's live progress,
// followed on the live stream (polled from its API resource while the stream is not open), then
// the page reloads to show the report. No framework.
const ACTIVE = new Set(["queued", "running"]);
const POLL_MS = 700;

for (const bar of document.querySelectorAll("[data-progress]")) {
  bar.style.width = `${Number(bar.dataset.progress) || 0}%`;
}

const zone = document.querySelector('[data-role="drop-zone"]');
if (zone) {
  const input = zone.querySelector('input[type="file"]');
  const name = zone.querySelector('[data-role="file-name"]');
  const show = () => { name.textContent = input.files.length ? input.files[0].name : ""; };
  input.addEventListener("change", show);
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => { event.preventDefault(); zone.classList.add("dragging"); });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
}

const job = document.querySelector('[data-testid="import-job"]');
const streamOpen = () => document.documentElement.dataset.live === "open";

function show(data) {
  const bar = job.querySelector('[data-role="progressbar"]');
  bar.setAttribute("aria-valuenow", String(data.progress));
  bar.querySelector("span").style.width = `${data.progress}%`;
  job.querySelector('[data-role="percent"]').textContent = `${data.progress} %`;
  job.querySelector('[data-role="created"]').textContent = String(data.counts.created);
  if (!ACTIVE.has(data.state)) {
    job.dataset.state = data.state;
    window.location.reload(); // the finished page shows the report
  }
}

if (job && ACTIVE.has(job.dataset.state)) {
  // The live stream reports each step (live.js); the API is polled only while it is not open.
  document.addEventListener("live:job", (event) => {
    const { job_kind: kind, job: data } = event.detail;
    if (kind === "import" && String(data.id) === job.dataset.id && ACTIVE.has(job.dataset.state)) show(data);
  });
  (async () => {
    while (ACTIVE.has(job.dataset.state)) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (streamOpen()) continue;
      let data;
      try {
        const response = await fetch(job.dataset.api, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok) continue;
        data = await response.json();
      } catch {
        continue;
      }
      show(data);
    }
  })();
}
