// An annotation's page: submit, review, reply and flag through the API.
import { postJSON, showError } from "./review-api.js";

const actions = document.querySelector("[data-annotation-actions]");

async function act(url, body) {
  const error = actions.querySelector(".form-error");
  actions.querySelectorAll("button").forEach((button) => (button.disabled = true));
  const result = await postJSON(url, { ...body, version: Number(actions.dataset.version) });
  if (result.ok) {
    window.location.reload();
    return;
  }
  actions.querySelectorAll("button").forEach((button) => (button.disabled = false));
  showError(error, result.data.detail);
}

actions?.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  const id = actions.dataset.id;
  if (button.hasAttribute("data-submit")) act(`/api/annotations/${id}/submit/`, {});
  if (button.dataset.decision) {
    const comment = actions.querySelector("textarea")?.value || "";
    act(`/api/annotations/${id}/reviews/`, { decision: button.dataset.decision, comment });
  }
});

const replyForm = document.querySelector("[data-reply-form]");

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-reply-to]");
  if (!button || !replyForm) return;
  replyForm.elements.parent.value = button.dataset.replyTo;
  const label = replyForm.querySelector("[data-replying-to]");
  label.textContent = `→ ${button.dataset.replyName}`;
  label.hidden = false;
  replyForm.elements.body.focus();
});

replyForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const parent = replyForm.elements.parent.value;
  const result = await postJSON(`/api/annotations/${replyForm.dataset.id}/replies/`, {
    body: replyForm.elements.body.value,
    parent: parent ? Number(parent) : null,
  });
  if (result.ok) {
    window.location.hash = `reply-${result.data.id}`;
    window.location.reload();
  } else {
    showError(replyForm.querySelector(".form-error"), result.data.detail);
  }
});

document.querySelectorAll("[data-flag-form]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { reason: form.elements.reason.value, note: form.elements.note.value };
    body[form.dataset.target] = Number(form.dataset.targetId);
    const result = await postJSON("/api/flags/", body);
    if (result.ok) {
      form.querySelector(".flag-done").hidden = false;
      showError(form.querySelector(".form-error"), "");
      form.querySelector("button[type=submit]").disabled = true;
    } else {
      showError(form.querySelector(".form-error"), result.data.detail);
    }
  });
});

// ---------- live: a change made elsewhere is shown before it surprises as a 409 ----------

const notice = document.querySelector("[data-live-notice]");
const live = JSON.parse(document.getElementById("live-strings")?.textContent || "{}");

function showNotice(text) {
  if (!notice) return;
  notice.replaceChildren(document.createTextNode(`${text} `));
  const reload = document.createElement("button");
  reload.type = "button";
  reload.className = "button button-small";
  reload.textContent = live.reload;
  reload.addEventListener("click", () => window.location.reload());
  notice.append(reload);
  notice.hidden = false;
  actions?.querySelectorAll("[data-decision], [data-submit]").forEach((button) => (button.disabled = true));
}

document.addEventListener("live:annotation", (event) => {
  const { annotation, actor } = event.detail;
  if (!notice || annotation.id !== Number(notice.dataset.id)) return;
  if (annotation.version <= Number(notice.dataset.version)) return;
  showNotice((live.changedMeanwhile || "")
    .replace("%(name)s", actor ? actor.name : "?")
    .replace("%(state)s", annotation.status_display));
});

document.addEventListener("live:annotation-removed", (event) => {
  if (notice && event.detail.id === Number(notice.dataset.id)) showNotice(live.removed);
});

document.addEventListener("live:reply", (event) => {
  if (!notice || event.detail.annotation !== Number(notice.dataset.id)) return;
  if (replyForm && replyForm.elements.body.value.trim()) return; // never interrupt a reply being typed
  const replies = document.querySelector("[data-testid=replies]");
  if (replies && !document.getElementById(`reply-${event.detail.reply}`)) {
    notice.replaceChildren(document.createTextNode(`${live.newReply} `));
    const reload = document.createElement("button");
    reload.type = "button";
    reload.className = "button button-small";
    reload.textContent = live.reload;
    reload.addEventListener("click", () => window.location.reload());
    notice.append(reload);
    notice.hidden = false;
  }
});
