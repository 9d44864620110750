// Dunning pages: put a standard FAQ answer into the note being written; fill a
// campaign's script with the segment's default. Pages work without it.
(() => {
  let lastNote = null;
  document.addEventListener("focusin", (e) => {
    if (e.target.matches("textarea[data-faq-target]")) lastNote = e.target;
  });
  document.addEventListener("click", (e) => {
    const button = e.target.closest("[data-faq-insert]");
    if (!button) return;
    e.preventDefault();
    const field = lastNote || document.querySelector("details[open] textarea[data-faq-target]")
      || document.querySelector("textarea[data-faq-target]");
    if (!field) return;
    const text = button.dataset.faqInsert;
    const at = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? at;
    field.value = field.value.slice(0, at) + text + field.value.slice(end);
    const details = field.closest("details");
    if (details) details.open = true;
    field.focus();
    field.selectionStart = field.selectionEnd = at + text.length;
  });
  // campaign form: a new segment brings its default script unless one was written
  const segment = document.querySelector("select[data-script-defaults]");
  if (segment) {
    const defaults = JSON.parse(document.getElementById(segment.dataset.scriptDefaults).textContent);
    const script = document.getElementById("id_script");
    segment.addEventListener("change", () => {
      const untouched = Object.values(defaults).includes(script.value.trim()) || !script.value.trim();
      if (untouched) script.value = defaults[segment.value] || "";
    });
  }
})();
