// Reading aids: hover/focus previews of cross-references, and "copy
// citation" on every place. Everything comes from data attributes
// written at build time; no server is needed.
(function () {
  "use strict";
  var preview = null;

  function hidePreview() {
    if (preview) { preview.remove(); preview = null; }
  }

  function showPreview(link) {
    hidePreview();
    var title = link.dataset.title, text = link.dataset.preview;
    if (!title && !text) return;
    preview = document.createElement("div");
    preview.className = "preview";
    preview.setAttribute("role", "tooltip");
    preview.id = "kb-preview";
    var strong = document.createElement("strong");
    strong.textContent = link.dataset.citation ? link.dataset.citation + " — " + title : title;
    preview.appendChild(strong);
    if (text) {
      var p = document.createElement("span");
      p.textContent = text;
      preview.appendChild(p);
    }
    document.body.appendChild(preview);
    link.setAttribute("aria-describedby", "kb-preview");
    var r = link.getBoundingClientRect();
    var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - preview.offsetWidth - 8);
    preview.style.left = Math.max(8, left) + "px";
    preview.style.top = (window.scrollY + r.bottom + 6) + "px";
  }

  function xref(target) {
    return target && target.closest ? target.closest("a.xref, a.term, .source-note a") : null;
  }

  document.addEventListener("mouseover", function (e) { var a = xref(e.target); if (a) showPreview(a); });
  document.addEventListener("mouseout", function (e) { if (xref(e.target)) hidePreview(); });
  document.addEventListener("focusin", function (e) { var a = xref(e.target); if (a) showPreview(a); else hidePreview(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hidePreview(); });

  // Copy citation: every place's button carries what it copies, written at
  // build time: data-cite ("MiCA Art. 61(2)", or "Page — Heading" for a
  // place that is no legal pinpoint) and data-url. The copy is the
  // citation and the absolute address; rich-text editors get a link.
  function absolute(url) { return new URL(url, location.href).href; }

  function copyText(button, text, html) {
    var label = button.textContent;
    var done = function () {
      button.dataset.copied = text;
      button.textContent = "copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    var fallback = function () { window.prompt("Copy this citation:", text); button.dataset.copied = text; };
    if (!navigator.clipboard) { fallback(); return; }
    var write = html && window.ClipboardItem && navigator.clipboard.write
      ? navigator.clipboard.write([new ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([html], { type: "text/html" })
      })])
      : navigator.clipboard.writeText(text);
    write.then(done, function () { navigator.clipboard.writeText(text).then(done, fallback); });
  }

  function escapeHTML(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("button.copy-cite") : null;
    if (!button) return;
    if (button.classList.contains("copy-ref")) { copyText(button, button.dataset.ref); return; }
    var cite = button.dataset.cite, url = absolute(button.dataset.url);
    copyText(button, cite + " " + url, '<a href="' + escapeHTML(url) + '">' + escapeHTML(cite) + "</a>");
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Print adds each reference's citation after it, except where the
    // link's own text already reads as that citation.
    document.querySelectorAll("a.xref[data-citation]").forEach(function (a) {
      var text = a.textContent.trim(), cite = a.dataset.citation;
      if (text && (cite.indexOf(text) >= 0 || text.indexOf(cite) >= 0)) a.classList.add("cites-itself");
    });
    // Printed pages say where they came from.
    document.querySelectorAll(".print-url").forEach(function (el) {
      if (el.textContent.indexOf("://") < 0) el.textContent = absolute(el.textContent);
    });
    document.querySelectorAll(".pin .copy-cite").forEach(function (button) {
      button.hidden = false;
      // Writers previewing with kb serve also get the place's [[…]] form.
      if (window.kbPreview && button.dataset.ref) {
        var ref = document.createElement("button");
        ref.type = "button";
        ref.className = "copy-cite copy-ref";
        ref.dataset.ref = button.dataset.ref;
        ref.textContent = "copy " + button.dataset.ref;
        ref.title = "Copy the reference to this place, for a kb page";
        button.insertAdjacentElement("afterend", ref);
      }
    });
  });
  // A paragraph's citer count expands, in place, to the list of the pages
  // citing it (without script, the count links to that list under "Cited by").
  document.addEventListener("click", function (e) {
    var count = e.target.closest ? e.target.closest("a.citers") : null;
    if (!count) return;
    var group = document.getElementById(count.getAttribute("href").slice(1));
    var list = group ? group.querySelector(".citer-kinds") : null;
    if (!list) return;
    e.preventDefault();
    if (count.kbList) {
      count.kbList.remove();
      count.kbList = null;
      count.setAttribute("aria-expanded", "false");
      return;
    }
    var box = document.createElement("div");
    box.className = "citers-inline";
    box.appendChild(list.cloneNode(true));
    var host = count.closest("li, p, h2, h3, h4") || count.parentNode;
    if (host.tagName === "LI") host.appendChild(box);
    else host.insertAdjacentElement("afterend", box);
    count.kbList = box;
    count.setAttribute("aria-expanded", "true");
  });
})();

// Arriving at a "Cited by" group by its address opens it (groups with many
// citers start closed to keep long provisions short).
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") el.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", openTarget);
})();
