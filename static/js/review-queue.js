// Review queue: approve / request changes / reject in place, j/k to move, a/c/r to decide.
import { postJSON, showError } from "./review-api.js";

const queue = document.querySelector("[data-testid=review-queue]");
const messages = JSON.parse(document.getElementById("review-messages")?.textContent || "{}");

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
    showError(error, result.data.detail || messages.failed);
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
