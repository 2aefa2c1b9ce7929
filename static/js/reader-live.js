// The reader, live: colleagues' annotations appear, change and disappear in place as the stream
// reports them (`live:*` events from live.js), without moving the reader's scroll position or
// text selection and without touching the composer (what the user is typing stays). Changes
// outside the viewport are counted on a "N new" button that scrolls to the first of them.
import { offsetsToRange, rangeToOffsets } from "./reader-offsets.js";

const strings = JSON.parse(document.getElementById("live-strings")?.textContent || "{}");

/** Run `change` (which rewrites highlights and cards) keeping the scroll and the selection. */
function preserving(root, change) {
  const x = window.scrollX;
  const y = window.scrollY;
  const selection = window.getSelection();
  let kept = null;
  if (selection.rangeCount && !selection.isCollapsed) {
    const range = selection.getRangeAt(0);
    kept = root.contains(range.commonAncestorContainer) ? rangeToOffsets(root, range) : null;
  }
  change();
  if (kept) {
    const range = offsetsToRange(root, kept.start, kept.end);
    if (range) {
      selection.removeAllRanges();
      selection.addRange(range);
    }
  }
  if (window.scrollX !== x || window.scrollY !== y) window.scrollTo(x, y);
}

function onScreen(element) {
  if (!element) return false;
  const box = element.getBoundingClientRect();
  return box.bottom > 0 && box.top < window.innerHeight;
}

export function followLive({ root, articleId, annotations, highlighter, upsert, forget, isEditing, notify }) {
  const marker = document.getElementById("new-marker");
  const unseen = new Set();

  function updateMarker() {
    for (const id of [...unseen]) {
      if (onScreen(highlighter.marksOf(id)[0] || document.getElementById(`card-${id}`))) unseen.delete(id);
    }
    marker.hidden = unseen.size === 0;
    marker.textContent = (strings.newChanges || "%(count)s").replace("%(count)s", unseen.size);
  }

  marker.addEventListener("click", () => {
    const [first] = [...unseen];
    unseen.clear();
    updateMarker();
    const target = highlighter.marksOf(first)[0] || document.getElementById(`card-${first}`);
    target?.scrollIntoView({ block: "center", behavior: "smooth" });
    if (target) highlighter.flash(first);
  });
  window.addEventListener("scroll", () => { if (unseen.size) updateMarker(); }, { passive: true });

  document.addEventListener("live:annotation", (event) => {
    const fresh = event.detail.annotation;
    if (fresh.article !== articleId) return;
    const known = annotations.get(fresh.id);
    if (known && known.version >= fresh.version) return; // already shown (our own write, a replay)
    preserving(root, () => upsert(fresh));
    if (isEditing(fresh.id)) {
      notify((strings.changedMeanwhile || "").replace("%(name)s", fresh.modified_by || "?")
        .replace("%(state)s", fresh.status_display));
    }
    const target = highlighter.marksOf(fresh.id)[0] || document.getElementById(`card-${fresh.id}`);
    if (!onScreen(target)) unseen.add(fresh.id);
    updateMarker();
  });

  document.addEventListener("live:annotation-removed", (event) => {
    const { id } = event.detail;
    if (!annotations.has(id)) return;
    preserving(root, () => forget(id));
    unseen.delete(id);
    updateMarker();
    if (isEditing(id)) notify(strings.removed);
  });

  document.addEventListener("live:article-revised", (event) => {
    if (event.detail.article === articleId) notify(strings.textRevised, { reload: strings.reload });
  });
}
