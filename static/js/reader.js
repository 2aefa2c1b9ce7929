// The reader: highlights, sidebar cards, selection toolbar, composer (create / edit), delete,
// submit for review, stale-write (409) handling and #annotation-<id> links.
import { api, ApiError } from "./reader-api.js";
import { Highlighter } from "./reader-highlight.js";
import { rangeToOffsets, selectorsFor } from "./reader-offsets.js";
import { ProposalPicker } from "./reader-proposals.js";
import { BottomSheet } from "./reader-sheet.js";
import { followLive } from "./reader-live.js";

const $ = (id) => document.getElementById(id);
const json = (id) => JSON.parse($(id).textContent);

const config = json("reader-config");
const t = json("reader-strings");
const root = $("reader-text");
const highlighter = new Highlighter(root);
const sheet = new BottomSheet($("reader-sidebar"), $("sheet-toggle"));
const annotations = new Map(json("annotations-data").map((a) => [a.id, a]));
const dateFormat = new Intl.DateTimeFormat(document.documentElement.lang || "fr", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "Europe/Paris",
});

let pendingSelection = null; // {start, end} of the passage chosen for a new annotation
let editing = null; // the annotation being edited, as last loaded

// ---------- rendering ----------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function byTextOrder(a, b) {
  return a.position.start - b.position.start || a.position.end - b.position.end || a.id - b.id;
}

function cardFor(annotation) {
  const mine = annotation.author === config.username;
  const li = el("li", `annotation-card card status-border-${annotation.status}`);
  li.id = `card-${annotation.id}`;
  li.dataset.annotationId = String(annotation.id);
  li.tabIndex = 0;
  const head = el("div", "card-head");
  head.append(el("span", `badge status-${annotation.status}`, annotation.status_display));
  if (annotation.is_locked) head.append(el("span", "badge badge-locked", `🔒 ${t.locked}`));
  const who = el("span", "card-author", mine ? `${annotation.author_name} (${t.you})` : annotation.author_name);
  who.title = annotation.author; // the full name shown, the login on hover (one rule for people)
  const when = el("time", "card-date muted", dateFormat.format(new Date(annotation.created)));
  when.dateTime = annotation.created;
  head.append(who, when);
  li.append(head);
  const quote = el("blockquote", "card-quote");
  if (annotation.status === "orphaned") quote.append(el("span", "muted small", `${t.orphanQuote} : `));
  const exact = annotation.quote.exact;
  quote.append(exact.length > 180 ? `${exact.slice(0, 177)}…` : exact);
  li.append(quote);
  if (annotation.comment_html) {
    const comment = el("div", "card-comment markdown");
    comment.innerHTML = annotation.comment_html; // sanitized on the server (nh3)
    li.append(comment);
  }
  if (annotation.tags.length) {
    const tags = el("div", "card-tags");
    for (const tag of annotation.tags) tags.append(el("span", "chip chip-tag", `#${tag}`));
    li.append(tags);
  }
  if (annotation.proposal_links.length) {
    const links = el("ul", "card-proposals");
    for (const p of annotation.proposal_links) {
      const item = el("li");
      const a = el("a", null, p.title);
      a.href = p.url;
      item.append("→ ", a);
      links.append(item);
    }
    li.append(links);
  }
  const actions = el("div", "card-actions");
  const discussion = el("a", "button button-small", t.discussion);
  discussion.href = `/annotations/${annotation.id}/`;
  actions.append(discussion);
  if (mine && ["draft", "changes_requested"].includes(annotation.status)) {
    const submit = el("button", "button button-small button-ok", t.submit);
    submit.type = "button";
    submit.dataset.action = "submit";
    actions.append(submit);
  }
  if (mine && !annotation.is_locked && annotation.status === "orphaned" && config.canAnnotate) {
    const reattach = el("button", "button button-small button-primary", t.reattach);
    reattach.type = "button";
    reattach.dataset.action = "reattach";
    reattach.title = t.reattachHelp;
    actions.append(reattach);
  }
  if (mine && !annotation.is_locked) {
    const edit = el("button", "button button-small", t.edit);
    edit.type = "button";
    edit.dataset.action = "edit";
    actions.append(edit);
  }
  if ((mine && !annotation.is_locked) || config.isModerator) {
    const remove = el("button", "button button-small button-danger", t.delete);
    remove.type = "button";
    remove.dataset.action = "delete";
    actions.append(remove);
  }
  li.append(actions);
  return li;
}

function renderSidebar() {
  const sorted = Array.from(annotations.values()).sort(byTextOrder);
  const anchored = sorted.filter((a) => a.status !== "orphaned");
  const orphans = sorted.filter((a) => a.status === "orphaned");
  $("annotation-list").replaceChildren(...anchored.map(cardFor));
  $("orphan-list").replaceChildren(...orphans.map(cardFor));
  $("orphans").hidden = orphans.length === 0;
  $("annotation-empty").hidden = sorted.length > 0;
  $("annotation-count").textContent = String(sorted.length);
  sheet.setCount(sorted.length);
}

function highlight(annotation) {
  highlighter.remove(annotation.id);
  if (annotation.status !== "orphaned") {
    highlighter.add(annotation.id, annotation.position.start, annotation.position.end, annotation.status);
  }
}

function upsert(annotation) {
  annotations.set(annotation.id, annotation);
  highlight(annotation);
  renderSidebar();
}

function forget(id) {
  annotations.delete(id);
  highlighter.remove(id);
  renderSidebar();
}

// ---------- focus between highlights and cards ----------

function focusAnnotation(id, { fromCard = false } = {}) {
  highlighter.setActive(id);
  for (const card of document.querySelectorAll(".annotation-card.is-active")) card.classList.remove("is-active");
  const card = $(`card-${id}`);
  if (card) {
    card.classList.add("is-active");
    if (!fromCard) {
      sheet.open(); // on a phone the card comes up in the bottom sheet, next to the text
      sheet.revealAbove(root.querySelector(`mark[data-annotation-id="${id}"]`));
      card.scrollIntoView({ block: "nearest", behavior: "smooth" });
      card.focus({ preventScroll: true });
    }
  }
  if (fromCard) highlighter.flash(id);
}

root.addEventListener("click", (event) => {
  const mark = event.target.closest("mark.hl");
  if (event.target.closest("a.dead-link")) event.preventDefault();
  if (mark && window.getSelection().isCollapsed) focusAnnotation(Number(mark.dataset.annotationId));
});

function onCardEvent(event) {
  const card = event.target.closest(".annotation-card");
  if (!card) return;
  const id = Number(card.dataset.annotationId);
  const button = event.target.closest("button[data-action]");
  if (button) {
    const action = button.dataset.action;
    if (action === "edit") openComposer(annotations.get(id));
    if (action === "delete") deleteAnnotation(annotations.get(id));
    if (action === "submit") submitAnnotation(annotations.get(id));
    if (action === "reattach") reattachAnnotation(annotations.get(id));
    return;
  }
  if (event.target.closest("a")) return;
  focusAnnotation(id, { fromCard: true });
}
for (const list of [$("annotation-list"), $("orphan-list")]) {
  list.addEventListener("click", onCardEvent);
  list.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.classList.contains("annotation-card")) onCardEvent(event);
  });
}

// ---------- alerts ----------

function showAlert(message, { stale = null } = {}) {
  const box = $("reader-alert");
  box.replaceChildren(el("p", null, message));
  box.className = `reader-alert ${stale ? "reader-alert-warning" : "reader-alert-error"}`;
  if (stale) {
    box.append(el("p", "small", t.staleHelp));
    const reload = el("button", "button button-small", t.reload);
    reload.type = "button";
    reload.dataset.testid = "reload-current";
    reload.addEventListener("click", () => reloadCurrent(stale));
    box.append(reload);
  }
  box.hidden = false;
}

function hideAlert() {
  $("reader-alert").hidden = true;
}

function reportError(error) {
  if (error instanceof ApiError) {
    if (error.status === 409 && error.body.error === "stale_version") {
      const current = error.body.current;
      const name = (current && current.modified_by) || error.body.modified_by || "?";
      showAlert(t.staleTitle.replace("%(name)s", name), { stale: current || { id: editing && editing.id } });
      return;
    }
    showAlert(`${t.error} ${error.body.detail || error.message}`);
  } else if (error instanceof TypeError) {
    showAlert(t.networkError);
  } else {
    showAlert(error.message);
  }
}

async function reloadCurrent(current) {
  // Take the current version from the server, keep what the user typed in the form.
  try {
    const fresh = current && current.version ? current : await api("GET", `/api/annotations/${current.id}/`);
    upsert(fresh);
    if (editing && editing.id === fresh.id) editing = fresh;
    hideAlert();
  } catch (error) {
    reportError(error);
  }
}

// ---------- selection toolbar ----------

const toolbar = $("selection-toolbar");

function currentSelectionOffsets() {
  const selection = window.getSelection();
  if (!selection.rangeCount || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.commonAncestorContainer)) return null;
  return rangeToOffsets(root, range);
}

let lastSelection = null; // kept when a click elsewhere (a card's button) collapses the selection

function updateToolbar() {
  if (!config.canAnnotate) return;
  const offsets = currentSelectionOffsets();
  if (offsets) lastSelection = offsets;
  if (!offsets) {
    toolbar.hidden = true;
    return;
  }
  const rects = window.getSelection().getRangeAt(0).getClientRects();
  const last = rects[rects.length - 1];
  if (!last) return;
  toolbar.style.top = `${window.scrollY + last.bottom + 6}px`;
  toolbar.style.left = `${window.scrollX + Math.max(8, last.right - 40)}px`;
  toolbar.hidden = false;
}

document.addEventListener("selectionchange", () => {
  clearTimeout(updateToolbar.timer);
  updateToolbar.timer = setTimeout(updateToolbar, 60);
});

$("annotate-button").addEventListener("mousedown", (event) => event.preventDefault());
$("annotate-button").addEventListener("click", () => startNewAnnotation());

function startNewAnnotation() {
  const offsets = currentSelectionOffsets();
  if (!offsets) return showAlert(t.emptySelection);
  if (offsets.end - offsets.start > 5000) return showAlert(t.tooLong);
  pendingSelection = offsets;
  toolbar.hidden = true;
  openComposer(null);
}

// Keyboard selection without caret browsing: arrows move a caret in the text, Shift extends,
// Ctrl/Alt moves by word; Enter or "a" opens the composer on the selection.
root.addEventListener("focus", () => {
  const selection = window.getSelection();
  if (!root.contains(selection.anchorNode)) {
    const first = root.querySelector(".run");
    if (first && first.firstChild) selection.collapse(first.firstChild, 0);
  }
});
root.addEventListener("keydown", (event) => {
  const selection = window.getSelection();
  const moves = { ArrowRight: ["forward", "character"], ArrowLeft: ["backward", "character"],
    ArrowDown: ["forward", "line"], ArrowUp: ["backward", "line"] };
  if (moves[event.key] && selection.modify) {
    event.preventDefault();
    const [direction, unit] = moves[event.key];
    const granularity = (event.ctrlKey || event.altKey) && unit === "character" ? "word" : unit;
    selection.modify(event.shiftKey ? "extend" : "move", direction, granularity);
  } else if ((event.key === "Enter" || event.key === "a") && !selection.isCollapsed && config.canAnnotate) {
    event.preventDefault();
    startNewAnnotation();
  }
});

// ---------- composer ----------

const composer = $("composer");
const picker = new ProposalPicker({
  list: $("linked-proposals"),
  input: $("proposal-search"),
  results: $("proposal-results"),
  details: $("new-proposal"),
  warning: $("proposal-warning"),
  source: {
    articleId: config.articleId,
    candidacies: new Set(config.candidacies.map((c) => c.id)),
    elections: new Set(config.candidacies.map((c) => c.election)),
  },
  strings: t,
  onError: reportError,
});

function openComposer(annotation) {
  editing = annotation;
  hideAlert();
  $("composer-error").hidden = true;
  $("composer-title").textContent = annotation ? t.editTitle : t.newTitle;
  const passage = annotation
    ? annotation.quote.exact
    : selectorsFor(config.text, pendingSelection.start, pendingSelection.end).quote.exact;
  $("composer-quote").textContent = passage.length > 300 ? `${passage.slice(0, 297)}…` : passage;
  $("composer-comment").value = annotation ? annotation.comment : "";
  $("composer-tags").value = annotation ? annotation.tags.join(", ") : "";
  picker.set(annotation ? annotation.proposal_links : []);
  picker.hideWarning();
  composer.hidden = false;
  sheet.open();
  composer.scrollIntoView({ block: "nearest" });
  $("composer-comment").focus();
  announceComposing(true);
}

function closeComposer() {
  composer.hidden = true;
  editing = null;
  pendingSelection = null;
  announceComposing(false);
}

// Colleagues see who is writing (presence); repeated while the composer is open, it expires.
let composingTimer = null;
function announceComposing(composing) {
  clearInterval(composingTimer);
  const send = () => document.dispatchEvent(new CustomEvent("live-composing", { detail: { composing } }));
  send();
  if (composing) composingTimer = setInterval(send, 8000);
}

$("composer-cancel").addEventListener("click", closeComposer);
composer.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeComposer();
});

$("composer-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  // A proposal typed in the inline form is created first; if that fails nothing is saved.
  if (picker.hasPendingCreation() && !(await picker.createInline({ fromSave: true }))) return;
  const fields = {
    comment: $("composer-comment").value,
    tags: $("composer-tags").value.split(",").map((s) => s.trim()).filter(Boolean),
    proposals: picker.ids(),
  };
  const save = $("composer-save");
  save.disabled = true;
  try {
    let saved;
    if (editing) {
      saved = await api("PATCH", `/api/annotations/${editing.id}/`, { body: { ...fields, version: editing.version } });
    } else {
      const selectors = selectorsFor(config.text, pendingSelection.start, pendingSelection.end);
      saved = await api("POST", "/api/annotations/", { body: { article: config.articleId, ...selectors, ...fields } });
      window.getSelection().removeAllRanges();
    }
    closeComposer();
    upsert(saved);
    focusAnnotation(saved.id);
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) {
      const box = $("composer-error");
      box.textContent = error.body.detail || error.message;
      box.hidden = false;
    } else {
      reportError(error);
    }
  } finally {
    save.disabled = false;
  }
});

async function deleteAnnotation(annotation) {
  if (!window.confirm(t.confirmDelete)) return;
  try {
    await api("DELETE", `/api/annotations/${annotation.id}/`, { version: annotation.version });
    forget(annotation.id);
  } catch (error) {
    reportError(error);
  }
}

async function reattachAnnotation(annotation) {
  // An orphan goes back into the text on the passage the user has selected.
  const offsets = lastSelection;
  if (!offsets) return showAlert(t.reattachHelp);
  try {
    const selectors = selectorsFor(config.text, offsets.start, offsets.end);
    const saved = await api("PATCH", `/api/annotations/${annotation.id}/`, {
      body: { ...selectors, version: annotation.version },
    });
    window.getSelection().removeAllRanges();
    upsert(saved);
    focusAnnotation(saved.id);
  } catch (error) {
    reportError(error);
  }
}

async function submitAnnotation(annotation) {
  try {
    await api("POST", `/api/annotations/${annotation.id}/submit/`, { body: { version: annotation.version } });
    upsert(await api("GET", `/api/annotations/${annotation.id}/`));
  } catch (error) {
    reportError(error);
  }
}

// ---------- start ----------

for (const annotation of Array.from(annotations.values()).sort(byTextOrder)) highlight(annotation);
renderSidebar();
followLive({
  root,
  articleId: config.articleId,
  annotations,
  highlighter,
  upsert,
  forget,
  isEditing: (id) => !composer.hidden && editing !== null && editing.id === id,
  notify: (message, { reload = null } = {}) => {
    const box = $("reader-alert");
    box.replaceChildren(el("p", null, message));
    if (reload) {
      const button = el("button", "button button-small", reload);
      button.type = "button";
      button.addEventListener("click", () => window.location.reload());
      box.append(button);
    }
    box.className = "reader-alert reader-alert-warning";
    box.hidden = false;
  },
});
document.body.dataset.readerReady = "true";

function focusFromHash() {
  const match = /^#annotation-(\d+)$/.exec(window.location.hash);
  if (!match) return;
  const id = Number(match[1]);
  if (!annotations.has(id)) return;
  focusAnnotation(id);
  highlighter.flash(id);
}
window.addEventListener("hashchange", focusFromHash);
focusFromHash();
