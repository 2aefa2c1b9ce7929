// Offsets between the browser (UTF-16 code units, DOM positions) and the stored text
// (Unicode code points, as the W3C model requires). Pure functions, no side effects.

/** Number of code points in a string (an astral character such as an emoji counts once). */
export function codePointLength(str) {
  let n = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
      const d = str.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Code points before UTF-16 index `utf16Index` of `str`. */
export function utf16ToCodePoints(str, utf16Index) {
  return codePointLength(str.slice(0, utf16Index));
}

/** UTF-16 index of code point `cpIndex` of `str`. */
export function codePointsToUtf16(str, cpIndex) {
  let i = 0;
  let n = 0;
  while (n < cpIndex && i < str.length) {
    const c = str.charCodeAt(i);
    const d = str.charCodeAt(i + 1);
    i += c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
    n++;
  }
  return i;
}

/** text[start:end] in code points. */
export function sliceCodePoints(text, start, end) {
  if (!/[\uD800-\uDFFF]/.test(text)) return text.slice(start, end);
  return text.slice(codePointsToUtf16(text, start), codePointsToUtf16(text, end));
}

/** The W3C selectors of stored-text offsets [start, end): quote (exact, prefix, suffix) and position. */
export function selectorsFor(text, start, end, context = 32) {
  return {
    quote: {
      exact: sliceCodePoints(text, start, end),
      prefix: sliceCodePoints(text, Math.max(0, start - context), start),
      suffix: sliceCodePoints(text, end, end + context),
    },
    position: { start, end },
  };
}

/** Text nodes of a `.run` element with the stored offset (code points) where each begins. */
export function runTextNodes(run) {
  const nodes = [];
  let offset = Number(run.dataset.start);
  const walker = document.createTreeWalker(run, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push({ node, start: offset });
    offset += codePointLength(node.data);
  }
  return nodes;
}

function runOf(node, root) {
  const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  const run = element && element.closest(".run");
  return run && root.contains(run) ? run : null;
}

/** Stored offset of a DOM boundary point. Inside a run: the run's start plus the code points
 * displayed before the point (a run displays exactly as many characters as it stores).
 * Between runs, `edge` "start" snaps forward and "end" snaps backward to the nearest run. */
export function boundaryToOffset(root, container, offset, edge) {
  const run = runOf(container, root);
  if (run) {
    const before = document.createRange();
    before.setStart(run, 0);
    before.setEnd(container, offset);
    return Number(run.dataset.start) + codePointLength(before.toString());
  }
  const runs = Array.from(root.querySelectorAll(".run"));
  const probe = document.createRange();
  probe.setStart(container, offset);
  if (edge === "start") {
    const next = runs.find((r) => probe.comparePoint(r, 0) >= 0);
    return next ? Number(next.dataset.start) : null;
  }
  for (let i = runs.length - 1; i >= 0; i--) {
    if (probe.comparePoint(runs[i], runs[i].childNodes.length) <= 0) return Number(runs[i].dataset.end);
  }
  return null;
}

/** Stored offsets {start, end} of a DOM Range inside `root`, or null if it selects no text. */
export function rangeToOffsets(root, range) {
  if (!root.contains(range.commonAncestorContainer) && range.commonAncestorContainer !== root) {
    return null;
  }
  const start = boundaryToOffset(root, range.startContainer, range.startOffset, "start");
  const end = boundaryToOffset(root, range.endContainer, range.endOffset, "end");
  if (start === null || end === null || end <= start) return null;
  return { start, end };
}

/** A DOM Range over stored offsets [start, end) in `root` (the inverse of rangeToOffsets). */
export function offsetsToRange(root, start, end) {
  const point = (offset, edge) => {
    for (const run of root.querySelectorAll(".run")) {
      const runStart = Number(run.dataset.start);
      const runEnd = Number(run.dataset.end);
      if (offset < runStart || offset > runEnd || (offset === runEnd && edge === "start")) continue;
      for (const { node, start: nodeStart } of runTextNodes(run)) {
        const nodeEnd = nodeStart + codePointLength(node.data);
        if (offset >= nodeStart && offset <= nodeEnd) {
          return [node, codePointsToUtf16(node.data, offset - nodeStart)];
        }
      }
    }
    return null;
  };
  const from = point(start, "start");
  const to = point(end, "end");
  if (!from || !to) return null;
  const range = document.createRange();
  range.setStart(...from);
  range.setEnd(...to);
  return range;
}
