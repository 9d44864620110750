// Small progressive enhancements; every page works without them.
// CSP allows no inline <style>: htmx's indicator styles live in anju.css instead.
if (window.htmx) window.htmx.config.includeIndicatorStyles = false;
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("select[data-autosubmit]")) el.form.requestSubmit();
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
});
// htmx: a refused reveal (no reason, 400/403) still swaps in the form with its message.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if ((status === 400 || status === 403) && event.detail.elt.closest("form.reveal")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
