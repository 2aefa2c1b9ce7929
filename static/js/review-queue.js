// Review queue: approve / request changes / reject in place, j/k to move, a/c/r to decide.
import { postJSON, showError } from "./review-api.js";

const queue = document.querySelector("[data-testid=review-queue]");
const messages = JSON.parse(document.getElementById("review-messages")?.textContent || "{}");
const live = JSON.parse(document.getElementById("live-strings")?.textContent || "{}");
const decidedElsewhere = new Map(); // annotation id -> what the stream said about its decision
let me = null;

function items() {
  return [...queue.querySelectorAll(".review-item:not(.is-done):not(.is-pending)")];
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

// A decision waits UNDO_MS before it is sent: the reviewer can take it back (button or "u")
// without anything reaching the server. Leaving the page sends what is waiting (keepalive).
const UNDO_MS = Number(queue?.dataset.undoMs) || 5000;
const pending = []; // [{item, decision, comment, timer}], the latest last
const toast = document.getElementById("undo-toast");
let toastTimer = null;

function showToast(text, { undo = false, hideAfter = 0 } = {}) {
  if (!toast) return;
  clearTimeout(toastTimer);
  toast.querySelector("[data-role=text]").textContent = text;
  toast.querySelector("[data-role=undo]").hidden = !undo;
  toast.hidden = false;
  if (hideAfter) toastTimer = setTimeout(() => (toast.hidden = true), hideAfter);
}

function refreshToast() {
  const latest = pending[pending.length - 1];
  if (!latest) {
    if (toast && !toast.querySelector("[data-role=undo]").hidden) toast.hidden = true;
    return;
  }
  const name = messages.decisions?.[latest.decision] || latest.decision;
  showToast(messages.pending.replace("%(decision)s", name).replace("%(seconds)s", Math.round(UNDO_MS / 1000)), { undo: true });
}

function setNavCount(delta) {
  const badge = document.querySelector("[data-testid=nav-review-count]");
  if (!badge) return;
  const value = parseInt(badge.textContent, 10) + delta;
  badge.textContent = String(Math.max(0, value));
  badge.hidden = value <= 0;
}

function decide(item, decision) {
  const form = item.querySelector("[data-review-form]");
  const error = form.querySelector(".form-error");
  const textarea = form.querySelector("textarea");
  const comment = textarea.value.trim();
  if (!decision) return;
  if (decision !== "approve" && !comment) {
    if (form.dataset.pending === decision && !form.querySelector(".review-comment").hidden) {
      // Asked to send with nothing written: say so next to the field instead of doing nothing.
      showError(error, messages.commentRequired);
      textarea.setAttribute("aria-invalid", "true");
      textarea.focus();
    } else {
      openComment(item, decision);
    }
    return;
  }
  if (item.dataset.busy || item.classList.contains("is-pending")) return;
  showError(error, "");
  textarea.removeAttribute("aria-invalid");
  const next = items()[items().indexOf(item) + 1] || items()[items().indexOf(item) - 1];
  const entry = { item, decision, comment };
  entry.timer = setTimeout(() => send(entry), UNDO_MS);
  pending.push(entry);
  item.classList.add("is-pending");
  item.classList.remove("is-current");
  form.hidden = true;
  setNavCount(-1);
  refreshToast();
  if (next) select(next);
}

function undo() {
  const entry = pending.pop();
  if (!entry) return;
  clearTimeout(entry.timer);
  const { item } = entry;
  item.classList.remove("is-pending");
  item.querySelector("[data-review-form]").hidden = false;
  setNavCount(1);
  select(item);
  showToast(messages.undone, { hideAfter: 3000 });
  if (pending.length) refreshToast();
}

function body(entry) {
  return { decision: entry.decision, comment: entry.comment, version: Number(entry.item.dataset.version) };
}

async function send(entry) {
  const index = pending.indexOf(entry);
  if (index === -1) return; // undone meanwhile
  pending.splice(index, 1);
  refreshToast();
  const { item } = entry;
  const form = item.querySelector("[data-review-form]");
  item.dataset.busy = "1";
  const result = await postJSON(`/api/annotations/${item.dataset.id}/reviews/`, body(entry));
  delete item.dataset.busy;
  item.classList.remove("is-pending");
  if (!result.ok) {
    form.hidden = false;
    setNavCount(1);
    // A 409 is explained by what the stream told us: who decided meanwhile, and what.
    const known = decidedElsewhere.get(Number(item.dataset.id));
    showError(
      form.querySelector(".form-error"),
      (result.status === 409 && known) || result.data.detail || messages.failed,
    );
    if (result.status === 409 || result.status === 404) finish(item, result.data.detail, "conflict");
    return;
  }
  let outcome = messages[result.data.status] || result.data.status;
  if (entry.decision === "approve" && result.data.status === "submitted") {
    outcome = messages.approvalRecorded
      .replace("%(count)s", result.data.approvals)
      .replace("%(required)s", result.data.approvals_required);
  }
  finish(item, outcome, result.data.status, { counted: true });
}

window.addEventListener("pagehide", () => {
  // Leaving before the undo delay: what was decided is still sent.
  for (const entry of pending.splice(0)) {
    clearTimeout(entry.timer);
    const token = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    fetch(`/api/annotations/${entry.item.dataset.id}/reviews/`, {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token ? decodeURIComponent(token[1]) : "" },
      body: JSON.stringify(body(entry)),
    });
  }
});

toast?.querySelector("[data-role=undo]").addEventListener("click", undo);

function finish(item, text, state, { counted = false } = {}) {
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
  if (!counted) setNavCount(-1);
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
    u: () => undo(),
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
