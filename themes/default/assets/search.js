// kb's static search: queries the index `kb build` exports under search/
// (see internal/search/export.go), ranks as the Bleve index does, and shows
// results as you type. No framework, no CDN.
//
// The engine half runs under Node too (module.exports), so a test can check
// that it and `kb search` agree.
(function (root) {
  "use strict";

  var SHOULD = 0, MUST = 1, MUST_NOT = 2;
  var TEXT_FIELDS = { title: 1, heading: 1, cite: 1, summary: 1, body: 1 };
  var KEYWORD_FIELDS = { kind: 1, tags: 1 };

  // parseQuery is internal/search.ParseQuery: words, "phrases", +must,
  // -must-not, field:value and backslash escapes. An unterminated phrase
  // runs to the end (the box is read while it is typed).
  function parseQuery(q) {
    var out = [], i = 0, n = q.length;
    while (i < n) {
      if (/\s/.test(q[i])) { i++; continue; }
      var c = { occur: SHOULD, field: "", text: "", phrase: false };
      if (q[i] === "+") { c.occur = MUST; i++; }
      else if (q[i] === "-") { c.occur = MUST_NOT; i++; }
      var m = /^([^\s:]+):/.exec(q.slice(i));
      if (m && (TEXT_FIELDS[m[1]] || KEYWORD_FIELDS[m[1]])) { c.field = m[1]; i += m[0].length; }
      var b = "";
      if (q[i] === '"') {
        c.phrase = true;
        for (i++; i < n && q[i] !== '"'; i++) {
          if (q[i] === "\\" && i + 1 < n) i++;
          b += q[i];
        }
        i++;
      } else {
        for (; i < n && !/\s/.test(q[i]); i++) {
          if (q[i] === "\\" && i + 1 < n) i++;
          b += q[i];
        }
      }
      c.text = b;
      if (b.trim() !== "") out.push(c);
    }
    return out;
  }

  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("en", { granularity: "word" }) : null;

  // words splits text as Bleve's Unicode tokenizer does (UAX #29 words),
  // with each word's offset.
  function words(text) {
    var out = [];
    if (segmenter) {
      for (var s of segmenter.segment(text)) {
        if (s.isWordLike) out.push({ word: s.segment, index: s.index });
      }
      return out;
    }
    var re = /[\p{L}\p{N}_]+(?:['’.][\p{L}\p{N}_]+)*/gu, m;
    while ((m = re.exec(text))) out.push({ word: m[0], index: m.index });
    return out;
  }

  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  function possessive(w) { return w.replace(/['’]s$/, ""); }

  // Engine answers queries from the static index. load(path) resolves to
  // the parsed JSON of a file under the site root.
  function Engine(load) {
    this.load = load;
    this.meta = null;
    this.shards = {};   // key index → promise of shard
    this.chunks = {};   // chunk index → promise of its documents
    this.postings = {}; // term → Map(doc → impact)
  }

  Engine.prototype.init = function () {
    var self = this;
    if (!this.ready) {
      this.ready = this.load("search/meta.json").then(function (m) {
        self.meta = m;
        self.keys = {};
        m.keys.forEach(function (k, i) { self.keys[k] = i; });
        self.stop = {};
        m.stop.forEach(function (w) { self.stop[w] = true; });
        self.pageOf = new Int32Array(m.docs);
        self.pageStart = [];
        var d = 0;
        m.pageDocs.forEach(function (count, p) {
          self.pageStart.push(d);
          for (var j = 0; j < count; j++) self.pageOf[d++] = p;
        });
        return m;
      });
    }
    return this.ready;
  };

  // shardOf is the index of the longest shard key that prefixes word.
  Engine.prototype.shardOf = function (word) {
    var rs = Array.from(word);
    for (var l = Math.min(rs.length, 6); l > 0; l--) {
      var k = rs.slice(0, l).join("");
      if (Object.prototype.hasOwnProperty.call(this.keys, k)) return this.keys[k];
    }
    return -1;
  };

  Engine.prototype.shard = function (i) {
    if (!this.shards[i]) this.shards[i] = this.load("search/w/" + i + ".kbz?v=" + this.meta.hash);
    return this.shards[i];
  };

  // term resolves a word, as typed, to its indexed term, or "" when the
  // index has none; null for a stop word.
  Engine.prototype.term = function (word) {
    var self = this, w = word.toLowerCase();
    if (this.stop[w]) return Promise.resolve(null);
    var tries = [w];
    if (possessive(w) !== w) tries.push(possessive(w));
    return Promise.resolve((function next(j) {
      if (j === tries.length) return "";
      var cand = tries[j], i = self.shardOf(cand);
      if (i < 0) return next(j + 1);
      return self.shard(i).then(function (s) {
        var t = s.w && has(s.w, cand) ? s.w[cand] : cand;
        if (!has(s.t, t)) t = self.uninflect(s, cand);
        if (!t) return next(j + 1);
        if (!self.postings[t]) {
          var p = s.t[t], map = new Map(), doc = 0;
          for (var k = 0; k < p.length; k += 2) { doc += p[k]; map.set(doc, p[k + 1]); }
          self.postings[t] = map;
        }
        return t;
      });
    })(0));
  };

  // uninflect finds the term of which word is an inflection the shard
  // lists (see inflections in export.go), or "".
  Engine.prototype.uninflect = function (s, word) {
    var infl = this.meta.infl;
    for (var j = 0; j < infl.length; j++) {
      var drop = infl[j][0], add = infl[j][1];
      if (word.length <= add.length || word.slice(-add.length) !== add) continue;
      var t = word.slice(0, word.length - add.length) + drop;
      if (s.i && has(s.i, t) && (s.i[t] & (1 << j)) && has(s.t, t)) return t;
    }
    return "";
  };

  // surfaces returns every word of the loaded shards that means one of
  // terms, to highlight.
  Engine.prototype.surfaces = function (terms) {
    var self = this, want = {}, out = {};
    terms.forEach(function (t) { want[t] = true; out[t] = true; });
    return Promise.all(Object.keys(this.shards).map(function (i) { return self.shards[i]; })).then(function (shards) {
      var infl = self.meta.infl;
      shards.forEach(function (s) {
        for (var w in s.w || {}) if (want[s.w[w]]) out[w] = true;
        for (var t in s.i || {}) {
          if (!want[t]) continue;
          infl.forEach(function (in_, j) {
            if ((s.i[t] & (1 << j)) && t.slice(t.length - in_[0].length) === in_[0]) out[t.slice(0, t.length - in_[0].length) + in_[1]] = true;
          });
        }
      });
      return out;
    });
  };

  // search ranks documents as internal/search.Search does, one hit per
  // page. opts: kind (filter), limit.
  Engine.prototype.search = function (q, opts) {
    opts = opts || {};
    var self = this, limit = opts.limit || 10;
    return this.init().then(function (m) {
      var clauses = parseQuery(q), units = [], kinds = [], notKinds = [], pending = [];
      clauses.forEach(function (c) {
        if (KEYWORD_FIELDS[c.field]) {
          if (c.field === "kind") (c.occur === MUST_NOT ? notKinds : kinds).push(c.text);
          return; // tags are not in the static index
        }
        words(c.text).forEach(function (w) {
          pending.push(self.term(w.word).then(function (t) {
            return { clause: c, term: t };
          }));
        });
      });
      return Promise.all(pending).then(function (resolved) {
        var byClause = new Map();
        resolved.forEach(function (r) {
          if (r.term === null) return; // a stop word
          if (!byClause.has(r.clause)) byClause.set(r.clause, []);
          byClause.get(r.clause).push(r.term);
        });
        byClause.forEach(function (terms, c) {
          if (c.phrase && terms.length > 1) units.push({ occur: c.occur, terms: terms });
          else terms.forEach(function (t) { units.push({ occur: c.occur, terms: [t] }); });
        });
        return self.rank(units, kinds, notKinds, opts.kind || "", limit);
      });
    });
  };

  Engine.prototype.unitScore = function (u, d) {
    var s = 0;
    for (var i = 0; i < u.terms.length; i++) {
      var p = u.terms[i] && this.postings[u.terms[i]];
      var v = p ? p.get(d) : undefined;
      if (v === undefined) return -1;
      s += v;
    }
    return s;
  };

  Engine.prototype.rank = function (units, kinds, notKinds, kindFilter, limit) {
    var self = this, m = this.meta;
    var must = units.filter(function (u) { return u.occur === MUST; });
    var should = units.filter(function (u) { return u.occur === SHOULD; });
    var not = units.filter(function (u) { return u.occur === MUST_NOT; });
    var res = { total: 0, hits: [], kinds: {}, terms: [] };
    units.forEach(function (u) { if (u.occur !== MUST_NOT) u.terms.forEach(function (t) { if (t) res.terms.push(t); }); });
    if (!must.length && !should.length && !kinds.length) return res;
    var kindOf = function (d) { return m.kinds[m.pageKind[self.pageOf[d]]]; };
    var candidates;
    if (must.length || should.length) {
      var set = new Set();
      (must.length ? [must[0]] : should).forEach(function (u) {
        var p = u.terms[0] && self.postings[u.terms[0]];
        if (p) p.forEach(function (_, d) { set.add(d); });
      });
      candidates = Array.from(set);
    } else {
      candidates = [];
      for (var d = 0; d < m.docs; d++) candidates.push(d);
    }
    var scored = [];
    candidates.forEach(function (d) {
      var k = kindOf(d);
      if (notKinds.indexOf(k) >= 0) return;
      for (var i = 0; i < kinds.length; i++) if (kinds[i] !== k) return;
      for (i = 0; i < not.length; i++) if (self.unitScore(not[i], d) >= 0) return;
      var ms = 0;
      for (i = 0; i < must.length; i++) {
        var s = self.unitScore(must[i], d);
        if (s < 0) return;
        ms += s;
      }
      var ss = 0, matched = 0;
      for (i = 0; i < should.length; i++) {
        s = self.unitScore(should[i], d);
        if (s >= 0) { ss += s; matched++; }
      }
      if (!must.length && should.length && !matched) return;
      var score = ms + (should.length ? ss * matched / should.length : 0);
      res.kinds[k] = (res.kinds[k] || 0) + 1;
      if (kindFilter && k !== kindFilter) return;
      res.total++;
      scored.push({ doc: d, score: score / m.scale });
    });
    scored.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    var seen = {};
    for (var i = 0; i < scored.length && res.hits.length < limit; i++) {
      var p = this.pageOf[scored[i].doc];
      if (seen[p]) continue;
      seen[p] = true;
      res.hits.push(scored[i]);
    }
    return res;
  };

  // doc resolves to document n: {u, a, t, k, s, b}. Documents are packed
  // into chunks (meta.chunks[c] is chunk c's first document), each
  // fetched once.
  Engine.prototype.doc = function (n) {
    var starts = this.meta.chunks, lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= n) lo = mid; else hi = mid - 1;
    }
    if (!this.chunks[lo]) this.chunks[lo] = this.load("search/d/" + lo + ".kbz?v=" + this.meta.hash);
    return this.chunks[lo].then(function (c) { return c[n - starts[lo]]; });
  };

  function escapeHTML(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;" }[c];
    });
  }

  // snippet is about width characters of text around the first word in
  // surfaces, escaped, with every such word in <mark>.
  function snippet(text, surfaces, width) {
    width = width || 180;
    var ws = words(text), first = -1, marks = [];
    ws.forEach(function (w) {
      var l = w.word.toLowerCase();
      if (surfaces[l] || surfaces[possessive(l)]) {
        marks.push(w);
        if (first < 0) first = w.index;
      }
    });
    var start = first < 0 ? 0 : Math.max(0, first - Math.floor(width / 3));
    if (start > 0) {
      var sp = text.indexOf(" ", start);
      if (sp >= 0 && sp < first) start = sp + 1;
    }
    var end = Math.min(text.length, start + width);
    if (end < text.length) {
      var e = text.lastIndexOf(" ", end);
      if (e > start) end = e;
    }
    var out = start > 0 ? "…" : "", at = start;
    marks.forEach(function (w) {
      var wEnd = w.index + w.word.length;
      if (w.index < at || wEnd > end) return;
      out += escapeHTML(text.slice(at, w.index)) + "<mark>" + escapeHTML(w.word) + "</mark>";
      at = wEnd;
    });
    out += escapeHTML(text.slice(at, end)) + (end < text.length ? "…" : "");
    return out;
  }

  var api = { parseQuery: parseQuery, words: words, snippet: snippet, Engine: Engine };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
    return;
  }
  root.kbSearch = api;
  if (typeof document === "undefined") return;

  // ---- the page ----

  var base = (document.body && document.body.getAttribute("data-base")) || "/";
  // Vocabulary shards and document chunks (.kbz) are gzip-compressed JSON,
  // unpacked here unless the host already did (then they arrive as JSON).
  var engine = new Engine(function (path) {
    return fetch(base + path).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      if (!/\.kbz(\?|$)/.test(path)) return r.json();
      return r.arrayBuffer().then(function (buf) {
        var b = new Uint8Array(buf);
        if (b[0] !== 0x1f || b[1] !== 0x8b) return JSON.parse(new TextDecoder().decode(b));
        var plain = new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(plain).json();
      });
    });
  });

  function hitURL(d) { return base + d.u.replace(/^\//, "") + (d.a ? "#" + d.a : ""); }

  // A page may bring its own search backend, answering with hits ready to
  // draw (kb serve's preview does, having no static index).
  // The preview's search backend, when there is one: checked for being a
  // function, as an element with that id would also be a global.
  function backend() { return typeof window.kbSearchBackend === "function" ? window.kbSearchBackend : undefined; }

  // hitLink draws one result: title, kind and a snippet that is already
  // escaped HTML with <mark>s.
  function hitLink(href, title, kind, snippetHTML) {
    var a = document.createElement("a");
    a.className = "search-hit";
    a.href = href;
    a.setAttribute("role", "option");
    a.setAttribute("aria-selected", "false");
    a.innerHTML = '<span class="hit-title">' + escapeHTML(title) + '</span> <span class="hit-kind">' +
      escapeHTML(kind) + '</span><span class="hit-snippet">' + snippetHTML + "</span>";
    return a;
  }

  function noResults(list, q) {
    var p = document.createElement("p");
    p.className = "search-none";
    p.textContent = "No results for “" + q + "”.";
    list.appendChild(p);
  }

  // renderReady draws a backend's answer: hits with their snippets.
  function renderReady(res, list, q) {
    list.textContent = "";
    res.hits.forEach(function (h) {
      list.appendChild(hitLink(base + h.url.replace(/^\//, "") + (h.anchor ? "#" + h.anchor : ""), h.title, h.kind, h.snippet || ""));
    });
    if (!res.hits.length && q.trim()) noResults(list, q);
    return Promise.resolve();
  }

  // render draws res's hits into list as links, fetching each hit's text.
  function render(res, list, q) {
    return Promise.all([engine.surfaces(res.terms)].concat(res.hits.map(function (h) { return engine.doc(h.doc); })))
      .then(function (all) {
        var surfaces = all[0], docs = all.slice(1);
        list.textContent = "";
        docs.forEach(function (d) {
          list.appendChild(hitLink(hitURL(d), d.t, d.k, snippet(d.b || d.s || "", surfaces)));
        });
        if (!docs.length && q.trim()) noResults(list, q);
      });
  }

  // keys moves the selection through the hits in list with the arrows.
  function keys(e, list, input) {
    var hits = Array.prototype.slice.call(list.querySelectorAll(".search-hit"));
    if (!hits.length) return;
    var at = hits.findIndex(function (h) { return h.getAttribute("aria-selected") === "true"; });
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (at >= 0) hits[at].setAttribute("aria-selected", "false");
      at = e.key === "ArrowDown" ? Math.min(hits.length - 1, at + 1) : at - 1;
      if (at < 0) { input.focus(); return; }
      hits[at].setAttribute("aria-selected", "true");
      hits[at].scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter" && at >= 0) {
      e.preventDefault();
      location.href = hits[at].href;
    }
  }

  // live runs a search per keystroke, drawing only the latest answer.
  function live(input, list, opts, after) {
    var seq = 0;
    function run() {
      var q = input.value, my = ++seq;
      if (!q.trim()) { list.textContent = ""; after(null, q); return; }
      var own = backend();
      (own ? own(q, opts()) : engine.search(q, opts())).then(function (res) {
        if (my !== seq) return;
        return (own ? renderReady : render)(res, list, q).then(function () { if (my === seq) after(res, q); });
      }).catch(function (err) {
        list.textContent = "Search is unavailable: " + err.message;
      });
    }
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) { keys(e, list, input); });
    return run;
  }

  function setupBox() {
    var input = document.getElementById("kb-q"), popup = document.getElementById("kb-search-results");
    if (!input || !popup || document.getElementById("kb-search-page-q")) return;
    popup.setAttribute("role", "listbox");
    popup.setAttribute("aria-label", "Search results");
    live(input, popup, function () { return { limit: 8 }; }, function (res, q) {
      popup.hidden = !q.trim();
    });
    input.addEventListener("focus", function () { if (!backend()) engine.init(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { popup.hidden = true; input.blur(); }
    });
    document.addEventListener("click", function (e) {
      if (!popup.contains(e.target) && e.target !== input) popup.hidden = true;
    });
  }

  function setupPage() {
    var input = document.getElementById("kb-search-page-q"), list = document.getElementById("kb-search-page-results");
    var facets = document.getElementById("kb-search-facets");
    if (!input || !list) return;
    var params = new URLSearchParams(location.search), kind = params.get("kind") || "";
    input.value = params.get("q") || "";
    var header = document.getElementById("kb-q");
    if (header) header.value = input.value;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Search results");
    var run = live(input, list, function () { return { limit: 50, kind: kind }; }, function (res, q) {
      var u = new URL(location.href);
      u.searchParams.set("q", q);
      if (kind) u.searchParams.set("kind", kind); else u.searchParams.delete("kind");
      history.replaceState(null, "", u);
      drawFacets(res);
      var count = document.getElementById("kb-search-page-count");
      if (count) count.textContent = res ? res.total + (res.total === 1 ? " section matches" : " sections match") : "";
    });
    function drawFacets(res) {
      if (!facets) return;
      facets.textContent = "";
      if (!res) return;
      var names = Object.keys(res.kinds || {}).sort();
      if (!names.length) return;
      var all = 0;
      names.forEach(function (k) { all += res.kinds[k]; });
      [""].concat(names).forEach(function (k) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "facet";
        b.setAttribute("aria-pressed", String(k === kind));
        b.textContent = (k || "all") + " (" + (k ? res.kinds[k] : all) + ")";
        b.addEventListener("click", function () { kind = k; run(); });
        facets.appendChild(b);
      });
    }
    var form = input.form;
    if (form) form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    run();
  }

  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var q = document.getElementById("kb-search-page-q") || document.getElementById("kb-q");
    if (q) { e.preventDefault(); q.focus(); q.select(); }
  });

  // Set up once the document is parsed and every deferred script has run
  // (a search backend may come from one of them).
  var ready = false;
  function setup() {
    if (ready) return;
    ready = true;
    setupBox();
    setupPage();
  }
  if (document.readyState === "complete") setup();
  else {
    document.addEventListener("DOMContentLoaded", setup);
    window.addEventListener("load", setup);
  }
})(this);
