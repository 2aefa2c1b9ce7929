// Submits a form as soon as one of its [data-autosubmit] controls changes (language switch,
// compare filters). A static module because the Content-Security-Policy forbids onchange="".
for (const control of document.querySelectorAll("[data-autosubmit]")) {
  control.addEventListener("change", () => control.form?.requestSubmit());
}
