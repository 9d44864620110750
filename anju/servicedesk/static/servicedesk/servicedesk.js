// Service-desk pages: house picking, phrases, triage, row selection. Pages work without it
// except the live house search (the form still takes a house from the incoming-call page).
(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  let lastField = null;
  document.addEventListener("focusin", (e) => {
    if (e.target.matches("#intake-form textarea, #intake-form input[type=text]")) lastField = e.target;
  });

  // Enter in the house search picks the first match instead of saving the form.
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || !e.target.matches("#house-q")) return;
    e.preventDefault();
    const first = $("#house-results .pick-house");
    if (first) first.click();
  });

  document.addEventListener("click", (e) => {
    const pick = e.target.closest(".pick-house");
    if (pick) {
      $("#id_house").value = pick.dataset.house;
      $("#picked-house").textContent = pick.dataset.label;
      const name = $("#id_contact_name");
      if (name && !name.value && pick.dataset.owner) name.value = pick.dataset.owner;
      const community = $(".community-row");
      if (community) community.hidden = true;
      $("#house-results").innerHTML = "";
      const box = $("#house-tickets");
      if (box && window.htmx) window.htmx.ajax("GET", pick.dataset.ticketsUrl, { target: box });
      $("#id_type").focus();
      return;
    }
    const phrase = e.target.closest(".phrase");
    if (phrase) {
      const field = lastField || $("#id_description");
      const text = phrase.dataset.phrase;
      const at = field.selectionStart ?? field.value.length;
      field.value = field.value.slice(0, at) + text + field.value.slice(field.selectionEnd ?? at);
      field.focus();
      field.selectionStart = field.selectionEnd = at + text.length;
      return;
    }
    if (e.target.id === "triage-btn") triage(e.target);
  });

  async function triage(btn) {
    const out = $("#triage-out");
    const text = $("#id_description").value;
    const body = new FormData();
    body.append("text", text);
    body.append("csrfmiddlewaretoken", $("#intake-form [name=csrfmiddlewaretoken]").value);
    btn.disabled = true;
    try {
      const res = await fetch(btn.dataset.url, { method: "POST", body, credentials: "same-origin" });
      const data = await res.json();
      if (!res.ok) { out.textContent = data.message || ""; return; }
      for (const key of ["type", "category", "urgency"]) {
        const sel = $(`#id_${key}`);
        if (sel && data[key]) sel.value = data[key];
      }
      const kept = $("#id_triage_proposal");
      if (kept) kept.value = JSON.stringify({ text, type: data.type, category: data.category, urgency: data.urgency });
      const label = (key) => $(`#id_${key}`).selectedOptions[0]?.textContent || "";
      out.textContent = `${btn.dataset.done || "已识别"}：${label("type")} · ${label("category")} · ${label("urgency")}`;
    } finally {
      btn.disabled = false;
    }
  }

  // Workbench: select all rows, show how many are selected.
  document.addEventListener("change", (e) => {
    const form = e.target.closest("#bulk");
    if (!form) return;
    if (e.target.matches("[data-check-all]")) {
      form.querySelectorAll("input[name=ticket]").forEach((c) => { c.checked = e.target.checked; });
    }
    const n = form.querySelectorAll("input[name=ticket]:checked").length;
    const label = $("[data-selected-count]", form);
    if (label) label.textContent = n ? `已选 ${n} 张` : label.dataset.empty || "勾选工单后批量派单";
  });
})();
