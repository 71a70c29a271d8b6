// Enhancements for the search page; without JavaScript everything still works.
// 1. Autocomplete under the search box (ARIA combobox, keyboard friendly).
// 2. Results as you type: the server renders the same results fragment.
(function () {
  "use strict";
  const input = document.getElementById("q");
  const list = document.getElementById("suggestions");
  const form = document.getElementById("search-form");
  const results = document.getElementById("results");
  if (!input || !list || !form) return;

  let active = -1;
  let suggestTimer = null;
  let searchTimer = null;
  let lastSearched = input.value;
  let suggestRequest = 0;
  let searchRequest = 0;

  function options() { return Array.from(list.querySelectorAll("li")); }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const items = options();
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(text) {
    input.value = text;
    close();
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  function show(suggestions) {
    list.replaceChildren();
    suggestions.forEach((text, i) => {
      const item = document.createElement("li");
      item.id = "suggestion-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = text;  // text, never HTML
      item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(text); });
      list.appendChild(item);
    });
    const open = suggestions.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    active = -1;
  }

  async function suggest() {
    const text = input.value;
    const ticket = ++suggestRequest;
    if (!text.trim()) { close(); return; }
    try {
      const response = await fetch("/api/suggest?q=" + encodeURIComponent(text));
      if (!response.ok || ticket !== suggestRequest) return;
      const data = await response.json();
      if (ticket === suggestRequest && document.activeElement === input) show(data.suggestions || []);
    } catch (error) { close(); }
  }

  async function searchAsYouType() {
    if (!results) return;
    const text = input.value;
    if (text === lastSearched || (text.trim().length > 0 && text.trim().length < 2)) return;
    lastSearched = text;
    const params = new URLSearchParams(new FormData(form));
    params.delete("page");
    const ticket = ++searchRequest;
    try {
      const response = await fetch("/?" + params.toString() + "&fragment=1");
      if (ticket !== searchRequest) return;
      const html = await response.text();
      if (ticket !== searchRequest) return;
      results.innerHTML = html;  // rendered and escaped by the server's template
      history.replaceState(null, "", "/?" + params.toString());
    } catch (error) { /* keep the results shown */ }
  }

  input.addEventListener("input", () => {
    clearTimeout(suggestTimer);
    clearTimeout(searchTimer);
    suggestTimer = setTimeout(suggest, 120);
    searchTimer = setTimeout(searchAsYouType, 350);
  });

  input.addEventListener("keydown", (event) => {
    const items = options();
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && items[active]) {
      event.preventDefault();
      choose(items[active].textContent);
    } else if (event.key === "Escape") {
      close();
    }
  });

  input.addEventListener("blur", () => setTimeout(close, 100));

  // The sort select applies at once when scripts run; the button stays for keyboards.
  document.addEventListener("change", (event) => {
    if (event.target && event.target.id === "sort" && event.target.form) event.target.form.submit();
  });
})();
