// Highlights: wrap the displayed text of stored offsets [start, end) in <mark> elements.
// Overlapping and nested annotations nest their marks; runs are split only at text-node level,
// so `data-start`/`data-end` of every run stay true.
import { codePointLength, codePointsToUtf16, runTextNodes } from "./reader-offsets.js";

/** Runs of `root` that intersect [start, end), found by binary search over sorted runs. */
function runsBetween(runs, start, end) {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid].end <= start) lo = mid + 1;
    else hi = mid;
  }
  const found = [];
  for (let i = lo; i < runs.length && runs[i].start < end; i++) found.push(runs[i].element);
  return found;
}

export class Highlighter {
  constructor(root) {
    this.root = root;
    this.runs = Array.from(root.querySelectorAll(".run")).map((element) => ({
      element,
      start: Number(element.dataset.start),
      end: Number(element.dataset.end),
    }));
  }

  /** Wrap [start, end) for annotation `id`; returns the marks (first one gets the anchor id). */
  add(id, start, end, status) {
    const marks = [];
    for (const run of runsBetween(this.runs, start, end)) {
      for (const { node, start: nodeStart } of runTextNodes(run)) {
        const nodeEnd = nodeStart + codePointLength(node.data);
        if (nodeEnd <= start || nodeStart >= end) continue;
        let target = node;
        const from = Math.max(start, nodeStart) - nodeStart;
        const to = Math.min(end, nodeEnd) - nodeStart;
        if (from > 0) target = target.splitText(codePointsToUtf16(target.data, from));
        const length = to - from;
        if (length < codePointLength(target.data)) target.splitText(codePointsToUtf16(target.data, length));
        const mark = document.createElement("mark");
        mark.className = `hl hl-${status}`;
        mark.dataset.annotationId = String(id);
        target.parentNode.insertBefore(mark, target);
        mark.appendChild(target);
        marks.push(mark);
      }
    }
    if (marks.length) {
      marks[0].id = `annotation-${id}`;
      marks[0].classList.add("hl-first");
      marks[marks.length - 1].classList.add("hl-last");
    }
    return marks;
  }

  marksOf(id) {
    return Array.from(this.root.querySelectorAll(`mark[data-annotation-id="${CSS.escape(String(id))}"]`));
  }

  remove(id) {
    const parents = new Set();
    for (const mark of this.marksOf(id)) {
      const parent = mark.parentNode;
      while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
      parent.removeChild(mark);
      parents.add(parent);
    }
    for (const parent of parents) parent.normalize();
  }

  setStatus(id, status) {
    for (const mark of this.marksOf(id)) mark.className = mark.className.replace(/hl-[a-z_]+(?=\s|$)/, `hl-${status}`);
  }

  setActive(id) {
    for (const mark of this.root.querySelectorAll("mark.hl-active")) mark.classList.remove("hl-active");
    if (id != null) for (const mark of this.marksOf(id)) mark.classList.add("hl-active");
  }

  flash(id) {
    const marks = this.marksOf(id);
    for (const mark of marks) {
      mark.classList.remove("hl-flash");
      void mark.offsetWidth; // restart the animation
      mark.classList.add("hl-flash");
    }
    if (marks.length) marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
  }
}
