// Review queue: approve / request changes / reject in place, j/k to move, a/c/r to decide.
import { postJSON, showError } from "./review-api.js";

const queue = document.querySelector("[data-testid=review-queue]");
const messages = JSON.parse(document.getElementById("review-messages")?.textContent || "{}");
const live = JSON.parse(document.getElementById("live-strings")?.textContent || "{}");
const decidedElsewhere = new Map(); // annotation id -> what the stream said about its decision
let me = null;

function items() {
  return [...queue.querySelectorAll(".review-item:not(.is-done)")];
}

function current() {
  return queue.querySelector(".review-item.is-current") || items()[0] || null;
}

function select(item) {
  if (!item) return;
  queue.querySelectorAll(".review-item.is-current").forEach((el) => el.classList.remove("is-current"));
  item.classList.add("is-current");
  item.focus({ preventScroll: true });
  item.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

function move(step) {
  const list = items();
  if (!list.length) return;
  const index = list.indexOf(current());
  select(list[Math.min(list.length - 1, Math.max(0, index + step))]);
}

function openComment(item, decision) {
  const form = item.querySelector("[data-review-form]");
  form.dataset.pending = decision;
  form.querySelector(".review-comment").hidden = false;
  form.querySelector("[data-send]").hidden = false;
  form.querySelectorAll("[data-decision]").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.dataset.decision === decision));
  });
  form.querySelector("textarea").focus();
}

function closeComment(item) {
  const form = item.querySelector("[data-review-form]");
  delete form.dataset.pending;
  form.querySelector(".review-comment").hidden = true;
  form.querySelector("[data-send]").hidden = true;
  form.querySelectorAll("[data-decision]").forEach((button) => button.removeAttribute("aria-pressed"));
  item.focus({ preventScroll: true });
}

function decrementNavCount() {
  const badge = document.querySelector("[data-testid=nav-review-count]");
  if (!badge) return;
  const value = parseInt(badge.textContent, 10) - 1;
  if (value > 0) badge.textContent = String(value);
  else badge.remove();
}

async function decide(item, decision) {
  const form = item.querySelector("[data-review-form]");
  const error = form.querySelector(".form-error");
  const comment = form.querySelector("textarea").value.trim();
  if (decision !== "approve" && !comment) {
    openComment(item, decision);
    return;
  }
  if (item.dataset.busy) return;
  item.dataset.busy = "1";
  form.querySelectorAll("button").forEach((button) => (button.disabled = true));
  const result = await postJSON(`/api/annotations/${item.dataset.id}/reviews/`, {
    decision,
    comment,
    version: Number(item.dataset.version),
  });
  delete item.dataset.busy;
  form.querySelectorAll("button").forEach((button) => (button.disabled = false));
  if (!result.ok) {
    // A 409 is explained by what the stream told us: who decided meanwhile, and what.
    const known = decidedElsewhere.get(Number(item.dataset.id));
    showError(error, (result.status === 409 && known) || result.data.detail || messages.failed);
    if (result.status === 409 || result.status === 404) finish(item, result.data.detail, "conflict");
    return;
  }
  let outcome = messages[result.data.status] || result.data.status;
  if (decision === "approve" && result.data.status === "submitted") {
    outcome = messages.approvalRecorded
      .replace("%(count)s", result.data.approvals)
      .replace("%(required)s", result.data.approvals_required);
  }
  finish(item, outcome, result.data.status);
}

function finish(item, text, state) {
  const wasCurrent = item.classList.contains("is-current");
  const next = items()[items().indexOf(item) + 1] || items()[items().indexOf(item) - 1];
  item.classList.remove("is-current");
  item.classList.add("is-done", `is-done-${state}`);
  item.querySelector("[data-review-form]").hidden = true;
  const badge = item.querySelector(".review-item-meta .badge");
  if (badge && messages.labels?.[state]) {
    badge.className = `badge status-${state}`;
    badge.textContent = messages.labels[state];
  }
  const outcome = item.querySelector(".review-outcome");
  outcome.textContent = text;
  outcome.hidden = false;
  decrementNavCount();
  if (wasCurrent && next) select(next);
  if (!items().length) document.querySelector("[data-testid=review-all-done]")?.removeAttribute("hidden");
}

queue?.addEventListener("click", (event) => {
  const item = event.target.closest(".review-item");
  if (!item || item.classList.contains("is-done")) return;
  const button = event.target.closest("button");
  if (!button) {
    if (!event.target.closest("a, textarea")) select(item);
    return;
  }
  select(item);
  if (button.dataset.decision) decide(item, button.dataset.decision);
  if (button.hasAttribute("data-send")) decide(item, item.querySelector("[data-review-form]").dataset.pending);
});

document.addEventListener("keydown", (event) => {
  if (!queue || event.altKey || event.metaKey) return;
  const item = current();
  const typing = event.target.closest?.("textarea, input, select");
  if (typing) {
    if (!item || !item.contains(event.target)) return;
    if (event.key === "Enter" && event.ctrlKey) {
      event.preventDefault();
      decide(item, item.querySelector("[data-review-form]").dataset.pending);
    } else if (event.key === "Escape") {
      closeComment(item);
    }
    return;
  }
  if (event.ctrlKey) return;
  const actions = {
    j: () => move(1),
    k: () => move(-1),
    a: () => item && decide(item, "approve"),
    c: () => item && openComment(item, "request_changes"),
    r: () => item && openComment(item, "reject"),
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

if (current()) select(current());

// ---------- live: decisions made elsewhere, who is reviewing what, new submissions ----------

function itemOf(id) {
  return queue?.querySelector(`.review-item[data-id="${Number(id)}"]`) || null;
}

document.addEventListener("live:hello", (event) => {
  me = event.detail.user;
});

document.addEventListener("live:annotation", (event) => {
  const { annotation, actor } = event.detail;
  const item = itemOf(annotation.id);
  if (!item) {
    if (event.detail.kind === "annotation.submitted" && queue) {
      const notice = document.querySelector("[data-testid=new-submissions]");
      notice.textContent = live.newSubmissions;
      notice.hidden = false;
    }
    return;
  }
  if (item.classList.contains("is-done") || item.dataset.busy) return;
  if (annotation.version <= Number(item.dataset.version)) return;
  const text = (live.decidedBy || "%(name)s: %(state)s")
    .replace("%(name)s", actor ? actor.name : "?")
    .replace("%(state)s", annotation.status_display);
  if (annotation.status !== "submitted") {
    decidedElsewhere.set(annotation.id, text);
    finish(item, text, annotation.status);
  } else {
    const outcome = item.querySelector(".review-outcome");
    outcome.textContent = (live.changedMeanwhile || "")
      .replace("%(name)s", actor ? actor.name : "?")
      .replace("%(state)s", annotation.status_display);
    outcome.hidden = false;
  }
});

document.addEventListener("live:annotation-removed", (event) => {
  const item = itemOf(event.detail.id);
  if (item && !item.classList.contains("is-done")) {
    decidedElsewhere.set(event.detail.id, live.removed);
    finish(item, live.removed, "conflict");
  }
});

document.addEventListener("live:presence", (event) => {
  if (event.detail.topic !== "review" || !queue) return;
  const byAnnotation = new Map();
  for (const entry of event.detail.members) {
    if (entry.user === me) continue;
    if (!byAnnotation.has(entry.annotation)) byAnnotation.set(entry.annotation, []);
    byAnnotation.get(entry.annotation).push(entry.name);
  }
  for (const item of queue.querySelectorAll(".review-item")) {
    const label = item.querySelector("[data-being-reviewed]");
    const names = byAnnotation.get(Number(item.dataset.id));
    label.hidden = !names;
    label.textContent = names ? (live.reviewedBy || "%(names)s").replace("%(names)s", names.join(", ")) : "";
  }
});
