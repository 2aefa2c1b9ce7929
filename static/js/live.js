// The live event stream of this page (Server-Sent Events from /live/stream/, on the port the page's
// meta tag names when the stream has a server of its own). One EventSource,
// re-opened with exponential backoff after any failure, asking for the events after the last one
// received (or, the first time, for those since the page was rendered), so that after a
// reconnection the page equals a fresh reload. Each event is re-dispatched on `document` as a
// `live:<name>` CustomEvent for the page's own modules; this module also keeps the top bar's
// inbox counter and any `[data-live-presence]` avatar list up to date.
const meta = document.querySelector('meta[name="live-stream"]');
const strings = JSON.parse(document.getElementById("live-strings")?.textContent || "{}");
const NAMES = ["hello", "annotation", "annotation-removed", "reply", "article-revised", "rating",
  "verdict", "inbox", "job", "presence", "reset"];
const MAX_DELAY_MS = 8000;

let source = null;
let lastId = null;
let failures = 0;
let retryTimer = null;
let connection = null;
let me = null;

function setState(state) {
  document.documentElement.dataset.live = state;
  document.dispatchEvent(new CustomEvent("live:status", { detail: { state } }));
}

function streamUrl() {
  const params = new URLSearchParams(meta.dataset.query || "");
  if (lastId !== null) params.set("last_event_id", lastId);
  else params.set("since", meta.dataset.since);
  // Served by a process of its own on another port (make run, compose): same host name.
  const origin = meta.dataset.port
    ? `${location.protocol}//${location.hostname}:${meta.dataset.port}` : "";
  return `${origin}${meta.content}?${params}`;
}

function connect() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (source) source.close();
  // Credentials: the session cookie goes to the stream's port too (same site, CORS allowed).
  source = new EventSource(streamUrl(), { withCredentials: Boolean(meta.dataset.port) });
  setState("connecting");
  source.addEventListener("open", () => {
    failures = 0;
    setState("open");
  });
  for (const name of NAMES) {
    source.addEventListener(name, (event) => {
      if (event.lastEventId) lastId = event.lastEventId;
      const detail = JSON.parse(event.data);
      if (name === "hello") {
        connection = detail.connection;
        me = detail.user;
      }
      if (name === "reset" && detail.reason === "overflow") {
        scheduleRetry();
        return;
      }
      document.dispatchEvent(new CustomEvent(`live:${name}`, { detail }));
    });
  }
  // The browser would retry by itself, without our backoff and sometimes not at all (an HTTP
  // error closes the source for good): close it and retry ourselves.
  source.addEventListener("error", scheduleRetry);
}

function scheduleRetry() {
  if (source) source.close();
  source = null;
  setState("closed");
  if (retryTimer) return;
  const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** failures) * (0.75 + Math.random() / 4);
  failures += 1;
  retryTimer = setTimeout(connect, delay);
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  return document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
}

// A page tells the others it is composing with `live-composing` ({detail: {composing}}).
document.addEventListener("live-composing", (event) => {
  const topic = meta?.dataset.topic;
  if (!connection || !topic) return;
  fetch("/live/composing/", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify({ topic, connection, composing: Boolean(event.detail.composing) }),
  }).catch(() => {});
});

// ---------- the top bar's inbox counter ----------

document.addEventListener("live:inbox", (event) => {
  const link = document.querySelector(".inbox-link");
  if (!link) return;
  let badge = link.querySelector("[data-testid=nav-unread-count]");
  const unread = event.detail.unread;
  if (!unread) {
    badge?.remove();
    return;
  }
  if (!badge) {
    badge = document.createElement("span");
    badge.className = "count";
    badge.dataset.testid = "nav-unread-count";
    link.append(badge);
  }
  badge.textContent = String(unread);
});

// ---------- presence avatars ----------

function initials(name) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] || "?") + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

document.addEventListener("live:presence", (event) => {
  const { topic, members } = event.detail;
  for (const list of document.querySelectorAll(`[data-live-presence="${CSS.escape(topic)}"]`)) {
    const others = members.filter((member) => member.user !== me);
    const items = others.map((member) => {
      const item = document.createElement("li");
      item.className = `avatar${member.composing ? " is-composing" : ""}`;
      item.dataset.username = member.username;
      item.title = member.composing ? `${member.name} — ${strings.composing}` : member.name;
      const face = document.createElement("span");
      face.setAttribute("aria-hidden", "true");
      face.textContent = initials(member.name);
      const label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = item.title;
      item.append(face, label);
      if (member.composing) {
        const pen = document.createElement("span");
        pen.className = "avatar-composing";
        pen.setAttribute("aria-hidden", "true");
        pen.textContent = "✎";
        item.append(pen);
      }
      return item;
    });
    list.replaceChildren(...items);
    const wrapper = list.closest("[data-live-presence-wrapper]");
    if (wrapper) wrapper.hidden = others.length === 0;
  }
});

if (meta && "EventSource" in window) {
  connect();
  window.addEventListener("online", () => { if (!source) connect(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && !source) connect();
  });
}
