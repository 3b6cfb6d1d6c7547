// kb serve's live reload and error overlay. Injected into served HTML only;
// never part of a built site.
(() => {
  "use strict";

  // Writers get writer's tools in the theme, such as copying a place's
  // [[id#anchor]] form (see kb.js).
  window.kbPreview = true;

  // A preview has no static search index: the theme's search client asks
  // the preview server instead (see kbSearchBackend in search.js).
  window.kbSearchBackend = (q, opts) => {
    let u = "/_kb/search?q=" + encodeURIComponent(q) + "&limit=" + (opts.limit || 20);
    if (opts.kind) u += "&kind=" + encodeURIComponent(opts.kind);
    return fetch(u).then((r) => (r.ok ? r.json() : r.text().then((t) => { throw new Error(t || String(r.status)); })));
  };
  const scrollKey = "kb-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const y = Number(saved);
    // Restore after layout; again after late images and fonts.
    const restore = () => window.scrollTo(0, y);
    restore();
    window.addEventListener("load", restore, { once: true });
  }

  // The output file this page was served from: "/a/b/" → "a/b/index.html".
  const file = () => {
    let p = decodeURIComponent(location.pathname).replace(/^\//, "");
    if (p === "" || p.endsWith("/")) p += "index.html";
    return p;
  };

  const reload = () => {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  };

  // Only a change to this page, or to something every page uses, reloads it.
  const affects = (paths) => {
    const me = file();
    return paths.some((p) => p === me || !/\.(html|xml|txt)$/.test(p));
  };

  // Swap stylesheets in place: fetch this page anew, take its stylesheet
  // links, and replace ours one by one once each new one has loaded.
  const swapCSS = async () => {
    const res = await fetch(location.href, { cache: "no-store" });
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const fresh = [...doc.querySelectorAll('link[rel="stylesheet"]')];
    const old = [...document.querySelectorAll('link[rel="stylesheet"]')];
    if (fresh.length !== old.length) return reload();
    fresh.forEach((f, i) => {
      if (f.getAttribute("href") === old[i].getAttribute("href")) return;
      const link = old[i].cloneNode();
      link.href = f.getAttribute("href");
      link.addEventListener("load", () => old[i].remove(), { once: true });
      old[i].after(link);
    });
  };

  const overlayID = "kb-error-overlay";
  const showErrors = (problems) => {
    let box = document.getElementById(overlayID);
    if (!problems || problems.length === 0) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = overlayID;
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1em 1.5em;background:#2b0d0d;color:#ffe9e9;border-top:4px solid #e5484d;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 -4px 24px #0008";
      document.body.appendChild(box);
    }
    box.textContent = "";
    const bar = document.createElement("div");
    bar.style.cssText = "display:flex;gap:1em;align-items:baseline;justify-content:space-between";
    const head = document.createElement("strong");
    head.textContent = `kb: the last rebuild failed (${problems.length} problem${problems.length === 1 ? "" : "s"}); showing the last good site`;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "kb-dismiss";
    close.textContent = "Dismiss";
    close.title = "Hide until the next failed rebuild";
    close.style.cssText = "font:inherit;background:#e5484d;color:#fff;border:0;border-radius:3px;padding:.1em .6em;cursor:pointer";
    close.addEventListener("click", () => box.remove());
    bar.append(head, close);
    box.appendChild(bar);
    // Grouped by file, in the order the build reports them (by file, line, column).
    const byFile = new Map();
    for (const p of problems) {
      const k = p.file || "";
      if (!byFile.has(k)) byFile.set(k, []);
      byFile.get(k).push(p);
    }
    for (const [name, list] of byFile) {
      const h = document.createElement("div");
      h.className = "kb-problem-file";
      h.style.cssText = "margin:.8em 0 .2em;font-weight:bold;color:#fff";
      h.textContent = name || "(the build)";
      box.appendChild(h);
      const ul = document.createElement("ul");
      ul.style.cssText = "margin:0;padding-left:1.2em";
      for (const p of list) {
        const li = document.createElement("li");
        li.className = "kb-problem";
        const where = p.file ? p.file + (p.line ? ":" + p.line + (p.col ? ":" + p.col : "") : "") : "";
        if (where) {
          const copy = document.createElement("button");
          copy.type = "button";
          copy.className = "kb-copy-where";
          copy.textContent = where;
          copy.title = "Copy " + where;
          copy.style.cssText = "font:inherit;color:#ffd0d0;background:none;border:0;padding:0;text-decoration:underline dotted;cursor:pointer";
          copy.addEventListener("click", () => {
            if (navigator.clipboard) navigator.clipboard.writeText(where).catch(() => {});
            copy.textContent = where + " (copied)";
            setTimeout(() => { copy.textContent = where; }, 1500);
          });
          li.append(copy, ": ");
        }
        li.append(p.message + (p.hint ? " (" + p.hint + ")" : ""));
        if (p.excerpt) {
          // The offending line, and a caret under the column (characters).
          const pre = document.createElement("pre");
          pre.className = "kb-excerpt";
          pre.style.cssText = "margin:.2em 0 .4em;padding:.3em .6em;background:#0006;overflow:auto;white-space:pre";
          const caret = " ".repeat(Math.max((p.col || 1) - 1, 0)) + "^";
          pre.textContent = p.line + " | " + p.excerpt + "\n" + " ".repeat(String(p.line).length) + " | " + caret;
          li.appendChild(pre);
        }
        ul.appendChild(li);
      }
      box.appendChild(ul);
    }
  };

  const connect = () => {
    const es = new EventSource("/_kb/events");
    es.addEventListener("reload", (e) => {
      const d = JSON.parse(e.data);
      if (d.all || affects(d.paths || [])) reload();
    });
    es.addEventListener("css", () => swapCSS().catch(reload));
    es.addEventListener("errors", (e) => showErrors(JSON.parse(e.data)));
    // A restarted server: reconnect, and reload to get its current site.
    let lost = false;
    es.addEventListener("error", () => { lost = true; });
    es.addEventListener("open", () => {
      if (lost) return reload();
      document.documentElement.dataset.kbLive = "connected"; // for tests and the curious
    });
  };
  connect();
})();
