// Reading aids: hover/focus previews of cross-references, and "copy
// citation" on every place. Everything comes from data attributes
// written at build time; no server is needed.
(function () {
  "use strict";
  var preview = null, pending = 0;

  // Hovering opens a preview after a short pause, so that a pointer
  // crossing dense text does not flicker through them.
  var HOVER_DELAY = 300;

  function hidePreview() {
    clearTimeout(pending);
    if (preview) {
      var link = preview.kbLink;
      if (link && link.getAttribute("aria-describedby") === "kb-preview") link.removeAttribute("aria-describedby");
      preview.remove();
      preview = null;
    }
  }

  function showPreview(link) {
    hidePreview();
    var title = link.dataset.title, text = link.dataset.preview;
    if (!title && !text) return;
    preview = document.createElement("div");
    preview.className = "preview";
    preview.setAttribute("role", "tooltip");
    preview.id = "kb-preview";
    preview.kbLink = link;
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
    place(preview, link);
  }

  // place puts the preview under the link, or above it where there is not
  // room below, and always inside the window's width.
  function place(box, link) {
    var gap = 6, margin = 8;
    var view = document.documentElement.clientWidth, height = window.innerHeight;
    var rects = link.getClientRects(), r = rects.length ? rects[0] : link.getBoundingClientRect();
    var w = box.offsetWidth, h = box.offsetHeight;
    var left = Math.max(margin, Math.min(r.left, view - w - margin));
    var below = r.bottom + gap, above = r.top - gap - h;
    if (rects.length > 1) below = rects[rects.length - 1].bottom + gap;
    var top = below + h <= height - margin || above < margin && height - below >= r.top ? below : above;
    box.style.left = (window.scrollX + left) + "px";
    box.style.top = (window.scrollY + top) + "px";
    box.classList.toggle("preview-above", top === above);
  }

  function xref(target) {
    return target && target.closest ? target.closest("a.xref, a.term, .source-note a") : null;
  }

  // Only a mouse previews on hover: on a touch screen a tap follows the
  // link at once (pointer events say which device it is).
  document.addEventListener("pointerover", function (e) {
    var a = xref(e.target);
    if (!a || e.pointerType !== "mouse") return;
    if (preview && preview.kbLink === a) { clearTimeout(pending); return; }
    clearTimeout(pending);
    pending = setTimeout(function () { showPreview(a); }, HOVER_DELAY);
  });
  document.addEventListener("pointerout", function (e) {
    var a = xref(e.target);
    if (a && !a.contains(e.relatedTarget)) hidePreview();
  });
  // Keyboard focus previews at once; focus that comes with a tap or a
  // click (not :focus-visible) does not.
  document.addEventListener("focusin", function (e) {
    var a = xref(e.target);
    if (a && a.matches(":focus-visible")) showPreview(a); else if (!a) hidePreview();
  });
  document.addEventListener("focusout", function (e) { if (preview && preview.kbLink === e.target) hidePreview(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hidePreview(); });
  window.addEventListener("resize", hidePreview);

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
    document.querySelectorAll(".pin").forEach(toolbar);
  });

  // A place's pin (its number, "copy citation", "cited by", the official
  // text) is one tab stop, a toolbar: Tab reaches "copy citation" (or the
  // first control), the arrow keys, Home and End move within it.
  function toolbar(pin) {
    var items = [].slice.call(pin.querySelectorAll("a, button:not([hidden])"));
    if (items.length < 2) return;
    var copy = pin.querySelector("button.copy-cite:not(.copy-ref):not([hidden])");
    pin.setAttribute("role", "toolbar");
    pin.setAttribute("aria-label", copy ? copy.dataset.cite : "This place");
    var entry = copy || items[0];
    items.forEach(function (el) { el.tabIndex = el === entry ? 0 : -1; });
    pin.addEventListener("keydown", function (e) {
      var i = items.indexOf(document.activeElement), next = -1;
      if (i < 0) return;
      if (e.key === "ArrowRight" || e.key === "ArrowDown") next = (i + 1) % items.length;
      else if (e.key === "ArrowLeft" || e.key === "ArrowUp") next = (i + items.length - 1) % items.length;
      else if (e.key === "Home") next = 0;
      else if (e.key === "End") next = items.length - 1;
      if (next < 0) return;
      e.preventDefault();
      items[i].tabIndex = -1;
      items[next].tabIndex = 0;
      items[next].focus();
    });
  }
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

// Context in view. The contents column marks the section in view
// (aria-current); once the title has scrolled away a slim bar names the
// page and, on provisions and guidelines, the numbered place in view, by
// the label its margin shows; on narrow screens the contents fold into a
// button. Without the script the contents are a plain list.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 72rem)");

  // The line a section's top must pass to count as the one in view: below
  // the bar, above most of the text. watch's observers fire exactly when
  // an element crosses it (their root reaches far above the window).
  var LINE = 0.15;
  function lineY() { return window.innerHeight * LINE; }

  // current returns the last of els whose top has passed the line, or
  // null; at the foot of the page, the last one in view.
  function current(els, line) {
    var found = null;
    for (var i = 0; i < els.length; i++) {
      if (els[i].getBoundingClientRect().top <= line) found = els[i];
      else break;
    }
    var doc = document.documentElement;
    if (els.length && window.innerHeight + window.scrollY >= doc.scrollHeight - 2) {
      for (var j = els.length - 1; j >= 0; j--) {
        if (els[j].getBoundingClientRect().top < window.innerHeight) return els[j];
      }
    }
    return found;
  }

  // watch calls update whenever one of els crosses the line, or the page
  // reaches its foot: on every scroll or resize (browsers fire them at most
  // once a frame, and update stops at the first section below the line),
  // and when an observer sees a crossing without a scroll, as when the
  // layout shifts. With the observers alone, a jump back to the top under
  // load once left a section marked above the first (CI, 2026-12-01).
  function watch(els, update) {
    window.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    if (!window.IntersectionObserver) return;
    // The root: from far above the window down to the line (85% = 1 - LINE).
    var observer = new IntersectionObserver(update, { rootMargin: "1000% 0px -85% 0px" });
    els.forEach(function (el) { observer.observe(el); });
    var foot = document.querySelector(".site-footer");
    if (foot) new IntersectionObserver(update).observe(foot);
  }

  function contents(toc) {
    var links = [].slice.call(toc.querySelectorAll("a[href^='#']"));
    var targets = [], byTarget = new Map();
    links.forEach(function (a) {
      var el = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (el) { targets.push(el); byTarget.set(el, a); }
    });
    targets.sort(function (a, b) { return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1; });
    var marked = null;
    function update() {
      var el = current(targets, lineY()); // above the first section: none
      var a = el && byTarget.get(el);
      if (a === marked) return;
      if (marked) marked.removeAttribute("aria-current");
      marked = a;
      if (!a) return;
      a.setAttribute("aria-current", "location");
      // Keep the marked line in sight within a long, scrolling column.
      var box = toc.querySelector(".toc-inner");
      if (box && box.scrollHeight > box.clientHeight) {
        var top = a.offsetParent === box ? a.offsetTop : a.offsetTop - box.offsetTop;
        if (top < box.scrollTop || top + a.offsetHeight > box.scrollTop + box.clientHeight) box.scrollTop = top - box.clientHeight / 3;
      }
    }
    watch(targets, update);
    window.addEventListener("hashchange", update);
    update();

    // Narrow screens: the list folds behind its heading, made a button.
    var title = toc.querySelector(".toc-title"), list = toc.querySelector("ol");
    if (!title || !list) return;
    var label = title.textContent;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "toc-toggle";
    button.setAttribute("aria-controls", list.id);
    button.textContent = label;
    function fold(open) {
      button.setAttribute("aria-expanded", String(open));
      list.hidden = !open;
    }
    button.addEventListener("click", function () { fold(list.hidden); });
    // Following a contents link folds the list again.
    list.addEventListener("click", function (e) { if (!wide.matches && e.target.closest("a")) fold(false); });
    function layout() {
      if (wide.matches) {
        title.textContent = label;
        list.hidden = false;
      } else {
        title.textContent = "";
        title.appendChild(button);
        fold(false);
      }
    }
    wide.addEventListener("change", layout);
    layout();
  }

  function bar(h1) {
    var el = document.createElement("div");
    el.className = "page-bar";
    el.hidden = true;
    var inner = document.createElement("div");
    inner.className = "page-bar-inner";
    var title = document.createElement("a");
    title.className = "page-bar-title";
    title.href = "#kb-main";
    var text = document.createElement("span");
    text.textContent = h1.textContent;
    title.appendChild(text);
    title.title = "Back to the top: " + h1.textContent;
    var sep = document.createElement("span");
    sep.className = "page-bar-sep";
    sep.setAttribute("aria-hidden", "true");
    sep.textContent = "›";
    var place = document.createElement("a");
    place.className = "page-bar-place";
    place.href = "#kb-main"; // until a place is in view: an anchor without href is no link (Lighthouse, crawlable-anchors)
    sep.hidden = place.hidden = true;
    inner.append(title, sep, place);
    el.appendChild(inner);
    var header = document.querySelector(".site-header");
    (header || document.body.firstChild).insertAdjacentElement(header ? "afterend" : "beforebegin", el);

    // The numbered places (provisions' paragraphs, guidelines' paragraphs),
    // each with the label its margin shows.
    var kind = document.body.dataset.kind;
    var pins = kind === "provision" || kind === "guideline"
      ? [].slice.call(document.querySelectorAll("main .content .pinpoint")) : [];
    var places = [], labels = new Map();
    pins.forEach(function (a) {
      var target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (target) { places.push(target); labels.set(target, a); }
    });
    var shown = null;
    function update() {
      var gone = h1.getBoundingClientRect().bottom < 0;
      el.hidden = !gone;
      var at = gone ? current(places, lineY()) : null;
      if (at === shown) return;
      shown = at;
      sep.hidden = place.hidden = !at;
      if (!at) return;
      var pin = labels.get(at);
      place.href = pin.getAttribute("href");
      place.textContent = "";
      var hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = "In view: ";
      place.append(hint, pin.textContent);
      place.title = (pin.title || "").replace(/^Link to /, "");
    }
    if (window.IntersectionObserver) new IntersectionObserver(update).observe(h1);
    watch(places, update);
    window.addEventListener("hashchange", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toc = document.querySelector("main .toc");
    if (toc) contents(toc);
    var h1 = document.querySelector("main h1");
    if (h1) bar(h1);
  });
})();

// The scenario matrix's filters: by trigger, outcome and rule. Without the
// script the matrix is a plain table (the filters stay hidden).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".matrix-filters");
    var rows = [].slice.call(document.querySelectorAll(".rule-matrix tbody tr"));
    if (!form || !rows.length) return;
    var count = form.querySelector(".matrix-count");
    function filter() {
      var trigger = form.elements.trigger.value, outcome = form.elements.outcome.value, rule = form.elements.rule.value;
      var shown = 0;
      rows.forEach(function (tr) {
        var ok = (!trigger || tr.dataset.trigger === trigger) && (!outcome || tr.dataset.outcome === outcome) &&
          (!rule || tr.dataset.rules.split(" ").indexOf(rule) >= 0);
        tr.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown === rows.length
        ? "All " + rows.length + " scenarios shown."
        : shown + " of " + rows.length + " scenarios shown.";
    }
    form.addEventListener("change", filter);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    filter();
  });
})();

// Search loads when it is first wanted — the header's box focused, or "/"
// pressed — not with every page: most readers of a page never search.
(function () {
  "use strict";
  var form = document.querySelector("form.search-form[data-script]");
  if (!form) return;
  // The search page loads it at once.
  var script = document.querySelector('script[src="' + form.dataset.script + '"]');
  function load() {
    if (script) return;
    script = document.createElement("script");
    script.src = form.dataset.script;
    document.head.appendChild(script);
  }
  form.addEventListener("focusin", load);
  document.addEventListener("keydown", function (e) {
    if (script || e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var q = document.getElementById("kb-q");
    if (q) { e.preventDefault(); q.focus(); }
  });
})();
