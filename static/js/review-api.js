// Small fetch wrapper for the review API: session cookie + CSRF token, JSON in and out.

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export async function postJSON(url, body = {}) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(body),
    });
  } catch (error) {
    return { ok: false, status: 0, data: { detail: String(error) } };
  }
  let data = {};
  try {
    data = await response.json();
  } catch (error) {
    data = { detail: response.statusText };
  }
  return { ok: response.ok, status: response.status, data };
}

export function showError(element, message) {
  if (!element) return;
  element.textContent = message;
  element.hidden = !message;
}
