// Applies the reader's light/dark choice before the page paints, and wires
// the toggle. Without a stored choice the system setting applies (CSS).
(function () {
  var root = document.documentElement;
  try {
    var saved = localStorage.getItem("kb-theme");
    if (saved === "light" || saved === "dark") root.dataset.theme = saved;
  } catch (e) { /* storage may be disabled */ }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var dark = root.dataset.theme
        ? root.dataset.theme === "dark"
        : window.matchMedia("(prefers-color-scheme: dark)").matches;
      root.dataset.theme = dark ? "light" : "dark";
      try { localStorage.setItem("kb-theme", root.dataset.theme); } catch (e) { /* ignore */ }
    });
  });
})();
