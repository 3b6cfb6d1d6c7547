// Applies the reader's light/dark choice before the page paints, and wires
// the toggle. Without a stored choice the system setting applies (CSS).
(function () {
  var root = document.documentElement;
  root.classList.add("js"); // for styles that keep the place of what script shows
  try {
    var saved = localStorage.getItem("kb-theme");
    if (saved === "light" || saved === "dark") root.dataset.theme = saved;
  } catch (e) { /* storage may be disabled */ }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var system = window.matchMedia("(prefers-color-scheme: dark)");
    function dark() { return root.dataset.theme ? root.dataset.theme === "dark" : system.matches; }
    // The toggle is a "Dark mode" switch: pressed while the page is dark.
    function show() { button.setAttribute("aria-pressed", String(dark())); }
    button.addEventListener("click", function () {
      root.dataset.theme = dark() ? "light" : "dark";
      try { localStorage.setItem("kb-theme", root.dataset.theme); } catch (e) { /* ignore */ }
      show();
    });
    system.addEventListener("change", show);
    show();
  });
})();
