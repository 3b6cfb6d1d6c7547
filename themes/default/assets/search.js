// kb's static search: queries the index `kb build` exports under search/
// (see internal/search/export.go), ranks as the Bleve index does, and shows
// results as you type. No framework, no CDN.
//
// The engine half runs under Node too (module.exports), so a test can check
// that it and `kb search` agree.
(function (root) {
  "use strict";

  var SHOULD = 0, MUST = 1, MUST_NOT = 2;
  var TEXT_FIELDS = { title: 1, heading: 1, cite: 1, summary: 1, body: 1, official: 1 };
  var KEYWORD_FIELDS = { kind: 1, tags: 1 };

  // parseQuery is internal/search.ParseQuery: words, "phrases", +must,
  // -must-not, field:value and backslash escapes. An unterminated phrase
  // runs to the end (the box is read while it is typed).
  function parseQuery(q) {
    var out = [], i = 0, n = q.length, or = false;
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
      if (b.trim() === "") continue;
      if (b === "OR" && !c.phrase && !c.field && c.occur === SHOULD) {
        or = out.length > 0 && out[out.length - 1].occur === SHOULD;
        continue;
      }
      c.or = or && c.occur === SHOULD;
      or = false;
      out.push(c);
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

  // findCitations is internal/site.FindCitations, over the grammar the
  // export ships (meta.cite): each citation's parts, its span, and where
  // it starts without the instrument.
  var UNIT_WORDS = { art: 1, article: 1, recital: 1, para: 1, paragraph: 1 };
  var ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth"];
  function findCitations(pattern, text) {
    var re = new RegExp(pattern, "gid"), out = [], m;
    while ((m = re.exec(text))) {
      if (m[0] === "") { re.lastIndex++; continue; }
      var ix = m.indices, c = { inst: (m[1] || "").toLowerCase(), groups: [], sub: 0, start: m.index, end: m.index + m[0].length };
      c.bareStart = c.start;
      if (m[1] !== undefined) {
        [2, 5, 7, 9].some(function (g) { if (ix[g]) { c.bareStart = ix[g][0]; return true; } return false; });
      }
      var groups = "";
      if (m[2] !== undefined) { c.unit = "art"; c.number = m[3]; groups = m[4] || ""; }
      else if (m[5] !== undefined) { c.unit = "recital"; c.number = m[6]; }
      else if (m[7] !== undefined) { c.unit = "para"; c.number = m[8]; }
      else { c.unit = "art"; c.number = m[9]; groups = m[10]; }
      if (UNIT_WORDS[c.inst.replace(/s$/, "")] && m[9] !== undefined) { c.inst = ""; c.bareStart = c.start; }
      c.number = c.number.toLowerCase();
      groups.toLowerCase().replace(/[ )]/g, "").split("(").forEach(function (g) { if (g) c.groups.push(g); });
      var sub = (m[11] || "").toLowerCase();
      if (sub) ORDINALS.some(function (w, n) { if (sub === w || sub[0] === String(n + 1)) { c.sub = n + 1; return true; } return false; });
      out.push(c);
    }
    return out;
  }

  // citationKey is Citation.Key.
  function citationKey(c, withInst) {
    var k = (withInst && c.inst ? c.inst + " " : "") + c.unit + " " + c.number;
    c.groups.forEach(function (g) { k += "(" + g + ")"; });
    return k + (c.sub ? " sub" + c.sub : "");
  }

  // citationKeys is internal/search's citationKeys: the keys to try,
  // closest first.
  function citationKeys(c) {
    c = { inst: c.inst, unit: c.unit, number: c.number, groups: c.groups.slice(), sub: c.sub };
    var out = [];
    for (;;) {
      if (c.inst) out.push(citationKey(c, true));
      out.push(citationKey(c, false));
      if (c.sub) c.sub = 0;
      else if (c.groups.length) c.groups.pop();
      else return out;
    }
  }

  var CITE = "\u0000"; // prefixes a cited key among the terms

  // DIGITS are internal/search's postingDigits: a shard writes its Δdocs
  // and ranks as strings of numbers in base DIGITS.length / 2, most
  // significant digit first, the last digit of each from the first half.
  var DIGITS = " !#$%'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
  var BASE = DIGITS.length >> 1, DIGIT = new Int8Array(128);
  for (var di = 0; di < 2 * BASE; di++) DIGIT[DIGITS.charCodeAt(di)] = di;

  function readDigits(s) {
    var out = [], v = 0;
    for (var i = 0; i < s.length; i++) {
      var d = DIGIT[s.charCodeAt(i)];
      v = v * BASE + d % BASE;
      if (d < BASE) { out.push(v); v = 0; }
    }
    return out;
  }

  // eachPosting calls fn(doc, rank) for each posting of a shard's term,
  // in document order: p is [impacts, Δdocs, ranks] (internal/search's
  // postingPacker), and p[0][rank] the posting's impact.
  function eachPosting(p, fn) {
    var docs = readDigits(p[1]), ranks = readDigits(p[2]), doc = 0;
    for (var k = 0; k < docs.length; k++) { doc += docs[k]; fn(doc, ranks[k]); }
  }

  // Engine answers queries from the static index. load(path) resolves to
  // the parsed JSON of a file under the site root.
  function Engine(load) {
    this.load = load;
    this.meta = null;
    this.shards = {};   // key index → promise of shard
    this.chunks = {};   // chunk index → promise of its documents
    this.postings = {}; // term → Map(doc → impact)
    this.termShard = {}; // term → the index of its shard
    this.posFiles = {};  // shard index → promise of its positions
    this.positions = {}; // term → Map(doc → positions), for phrases
    this.citeFiles = {}; // citation group → promise of its pinpoints and citers
    this.pins = {};      // citation key → its pinpoints [[doc, anchor, label, text], …]
  }

  Engine.prototype.init = function () {
    var self = this;
    if (!this.ready) {
      this.ready = this.load("search/meta.kbz").then(function (m) {
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

  // impact decodes a stored impact (internal/search's encodeImpact): a
  // log scale, so that small impacts keep their precision.
  Engine.prototype.impact = function (v) { return Math.expm1(v * this.meta.step); };

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
        self.termShard[t] = i;
        if (!self.postings[t]) {
          var p = s.t[t], map = new Map(), impacts = p[0].map(function (v) { return self.impact(v); });
          eachPosting(p, function (doc, rank) { map.set(doc, impacts[rank]); });
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
  // page: plain words all required, or, when no section has them all, any
  // of them (res.fallback). opts: kind (filter), limit, from (pages to skip).
  Engine.prototype.search = function (q, opts) {
    opts = opts || {};
    var self = this;
    return this.init().then(function () {
      return self.citations(q);
    }).then(function (cited) {
      var clauses = parseQuery(cited.rest), kinds = [], notKinds = [], pending = [], keys = cited.keys;
      clauses.forEach(function (c) {
        if (KEYWORD_FIELDS[c.field]) {
          if (c.field === "kind") (c.occur === MUST_NOT ? notKinds : kinds).push(c.text);
          return; // tags are not in the static index
        }
        pending.push(Promise.all(words(c.text).map(function (w) { return self.term(w.word); })).then(function (terms) {
          var r = { clause: c, terms: [], offs: [] };
          terms.forEach(function (t, i) {
            if (t === null) return; // a stop word: it keeps its place in a phrase
            r.terms.push(t);
            r.offs.push(i);
          });
          return r;
        }));
      });
      return Promise.all(pending).then(function (resolved) {
        var loads = [];
        resolved.forEach(function (r) {
          if (r.clause.phrase && r.terms.length > 1) r.terms.forEach(function (t) { if (t) loads.push(self.loadPositions(t)); });
        });
        return Promise.all(loads).then(function () { return resolved; });
      }).then(function (resolved) {
        var run = function (all) { return self.rank(plan(resolved, all, keys), kinds, notKinds, opts, keys); };
        var res = run(true);
        if (!res.total && resolved.some(function (r) { return r.clause.occur === SHOULD; })) {
          var some = run(false);
          if (some.total) { some.fallback = true; res = some; }
        }
        return res;
      });
    });
  };

  // plan arranges the resolved clauses as internal/search's compile does:
  // must, should and not lists of nodes, where a node is a unit {terms}
  // (a term, or a phrase's terms), {all: nodes} or {any: nodes}.
  function plan(resolved, all, keys) {
    var p = { must: [], should: [], not: [], terms: [] }, group = [];
    function endGroup() {
      if (group.length === 1) p.must.push(group[0]);
      else if (group.length > 1) p.must.push({ any: group });
      group = [];
    }
    resolved.forEach(function (r) {
      var c = r.clause, units = [];
      if (!r.terms.length) return;
      if (c.phrase && r.terms.length > 1) units.push({ terms: r.terms, offs: r.offs, phrase: true });
      else r.terms.forEach(function (t) { units.push({ terms: [t] }); });
      if (c.occur !== MUST_NOT) r.terms.forEach(function (t) { if (t) p.terms.push(t); });
      if (c.occur === MUST) p.must = p.must.concat(units);
      else if (c.occur === MUST_NOT) p.not = p.not.concat(units);
      else if (!all) p.should = p.should.concat(units);
      else {
        if (!c.or) endGroup();
        group.push(units.length === 1 ? units[0] : { all: units });
      }
    });
    endGroup();
    if (keys.length) {
      var cites = keys.map(function (k) { return { terms: [CITE + k] }; });
      if (!p.must.length && !p.should.length) p.must.push({ any: cites });
      else p.should = p.should.concat(cites);
    }
    return p;
  }

  // citations finds the citations of q that name pinpoints of the index,
  // as internal/search's citations does: {rest: q without them, keys}.
  Engine.prototype.citations = function (q) {
    var self = this, m = this.meta, found = m.cite && m.pins ? findCitations(m.cite, q) : [];
    if (!found.length) return Promise.resolve({ rest: q, keys: [] });
    return Promise.all(found.map(function (c) { return self.citeGroup(c.unit + "-" + c.number); })).then(function (files) {
      var rest = q, keys = [];
      found.forEach(function (c, ci) {
        var cf = files[ci];
        citationKeys(c).some(function (k, i) {
          if (!has(cf.p, k)) return false;
          var start = c.inst && i % 2 === 0 ? c.start : c.bareStart;
          rest = rest.slice(0, start) + " ".repeat(c.end - start) + rest.slice(c.end);
          if (keys.indexOf(k) < 0) keys.push(k);
          if (!self.postings[CITE + k]) {
            var map = new Map(), p = cf.t[k] || [], doc = 0;
            for (var j = 0; j < p.length; j += 2) { doc += p[j]; map.set(doc, self.impact(p[j + 1])); }
            self.postings[CITE + k] = map;
          }
          self.pins[k] = cf.p[k];
          return true;
        });
      });
      return { rest: rest, keys: keys };
    });
  };

  // citeGroup resolves to the pinpoints and citers of a unit and number
  // (c/G.kbz), or to none when no page has them.
  Engine.prototype.citeGroup = function (g) {
    if (!/^[0-9a-z-]+$/.test(g)) return Promise.resolve({ p: {}, t: {} });
    if (!this.citeFiles[g]) {
      var self = this;
      this.citeFiles[g] = Promise.resolve().then(function () {
        return self.load("search/c/" + g + ".kbz?v=" + self.meta.hash);
      }).catch(function () { return { p: {}, t: {} }; });
    }
    return this.citeFiles[g];
  };

  // score is a node's score in document d (impacts ×scale), or -1 when it
  // does not match: a conjunction sums, a disjunction sums what matches
  // times the share that matches (Bleve's coordination).
  Engine.prototype.score = function (node, d) {
    var s = 0, i, v;
    if (node.terms) {
      for (i = 0; i < node.terms.length; i++) {
        var p = node.terms[i] && this.postings[node.terms[i]];
        v = p ? p.get(d) : undefined;
        if (v === undefined) return -1;
        s += v;
      }
      return node.phrase && !this.adjacent(node, d) ? -1 : s;
    }
    if (node.all) {
      for (i = 0; i < node.all.length; i++) {
        v = this.score(node.all[i], d);
        if (v < 0) return -1;
        s += v;
      }
      return s;
    }
    var matched = 0;
    for (i = 0; i < node.any.length; i++) {
      v = this.score(node.any[i], d);
      if (v >= 0) { s += v; matched++; }
    }
    return matched ? s * matched / node.any.length : -1;
  };

  // adjacent reports whether a phrase's terms stand at their offsets from
  // one another somewhere in one field of document d.
  Engine.prototype.adjacent = function (node, d) {
    var self = this, at = node.terms.map(function (t) { return self.positions[t].get(d) || []; });
    var sets = at.map(function (ps) { return new Set(ps); });
    return at[0].some(function (p) {
      for (var i = 1; i < node.terms.length; i++) {
        if (!sets[i].has(p + node.offs[i] - node.offs[0])) return false;
      }
      return true;
    });
  };

  // loadPositions fetches the positions of term t (p/N.kbz of its shard)
  // into this.positions[t]: doc → its positions.
  Engine.prototype.loadPositions = function (t) {
    var self = this, i = this.termShard[t];
    if (this.positions[t] || i === undefined) return Promise.resolve();
    if (!this.posFiles[i]) this.posFiles[i] = this.load("search/p/" + i + ".kbz?v=" + this.meta.hash);
    return Promise.all([this.shard(i), this.posFiles[i]]).then(function (both) {
      var pos = both[1][t] || [], map = new Map(), j = 0;
      eachPosting(both[0].t[t], function (doc) {
        var n = pos[j++], list = [], at = 0;
        for (var m = 0; m < n; m++) { at += pos[j++]; list.push(at); }
        map.set(doc, list);
      });
      self.positions[t] = map;
    });
  };

  // candidates adds to set every document that may match node.
  Engine.prototype.candidates = function (node, set) {
    var self = this;
    if (node.terms) {
      var p = node.terms[0] && this.postings[node.terms[0]];
      if (p) p.forEach(function (_, d) { set.add(d); });
    } else if (node.all) this.candidates(node.all[0], set);
    else node.any.forEach(function (n) { self.candidates(n, set); });
  };

  Engine.prototype.rank = function (p, kinds, notKinds, opts, keys) {
    var self = this, m = this.meta, limit = opts.limit || 10, from = opts.from || 0, kindFilter = opts.kind || "";
    var res = { total: 0, pages: 0, hits: [], kinds: {}, terms: p.terms };
    if (!p.must.length && !p.should.length && !kinds.length) return res;
    var kindOf = function (d) { return m.kinds[m.pageKind[self.pageOf[d]]]; };
    // The pinpoints cited: best bets, in key order, then doc order.
    var best = [], pinned = new Set();
    keys.forEach(function (k) {
      self.pins[k].forEach(function (e) {
        pinned.add(e[0]);
        if (!kindFilter || kindOf(e[0]) === kindFilter) best.push({ doc: e[0], anchor: e[1], label: e[2], text: e[3] });
      });
    });
    var candidates;
    if (p.must.length || p.should.length) {
      var set = new Set(pinned);
      (p.must.length ? [p.must[0]] : p.should).forEach(function (n) { self.candidates(n, set); });
      candidates = Array.from(set);
    } else {
      candidates = [];
      for (var d = 0; d < m.docs; d++) candidates.push(d);
    }
    var scored = [], kindPages = new Set();
    candidates.forEach(function (d) {
      var k = kindOf(d), score = self.docScore(p, kinds, notKinds, k, d), pin = pinned.has(d);
      if (score < 0 && !pin) return;
      if (!kindPages.has(self.pageOf[d])) {
        kindPages.add(self.pageOf[d]);
        res.kinds[k] = (res.kinds[k] || 0) + 1; // pages, by kind
      }
      if (kindFilter && k !== kindFilter) return;
      res.total++;
      scored.push({ doc: d, score: score / m.scale, pin: pin });
    });
    scored.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    var pageAt = {};
    best.forEach(function (b) {
      var pg = self.pageOf[b.doc];
      if (has(pageAt, pg)) return;
      pageAt[pg] = res.pages++;
      if (res.pages > from && res.pages <= from + limit) {
        res.hits.push({ doc: b.doc, score: 0, sections: [], best: true, anchor: b.anchor, label: b.label, text: b.text });
      }
    });
    for (var i = 0; i < scored.length; i++) {
      var sc = scored[i], pg = this.pageOf[sc.doc];
      if (!has(pageAt, pg)) {
        if (best.length && sc.pin) continue;
        pageAt[pg] = res.pages++;
        if (res.pages > from && res.pages <= from + limit) res.hits.push({ doc: sc.doc, score: sc.score, sections: [] });
        continue;
      }
      var at = pageAt[pg] - from, hit = res.hits[at];
      if (at >= 0 && at < res.hits.length && hit.sections.length < 3 && sc.doc !== hit.doc) hit.sections.push(sc.doc);
    }
    return res;
  };

  // docScore is document d's score under plan p (×scale), or -1 when it
  // does not match; k is its kind.
  Engine.prototype.docScore = function (p, kinds, notKinds, k, d) {
    var i, s;
    if (notKinds.indexOf(k) >= 0) return -1;
    for (i = 0; i < kinds.length; i++) if (kinds[i] !== k) return -1;
    for (i = 0; i < p.not.length; i++) if (this.score(p.not[i], d) >= 0) return -1;
    var ms = 0;
    for (i = 0; i < p.must.length; i++) {
      s = this.score(p.must[i], d);
      if (s < 0) return -1;
      ms += s;
    }
    var ss = 0, matched = 0;
    for (i = 0; i < p.should.length; i++) {
      s = this.score(p.should[i], d);
      if (s >= 0) { ss += s; matched++; }
    }
    if (!p.must.length && p.should.length && !matched) return -1;
    return ms + (p.should.length ? ss * matched / p.should.length : 0);
  };

  // doc resolves to document n: {u, a, t, h, k, s, b, o} (internal/search's
  // docFile). Documents are packed
  // meta.chunk to a file, each fetched once.
  Engine.prototype.doc = function (n) {
    var c = Math.floor(n / this.meta.chunk);
    if (!this.chunks[c]) this.chunks[c] = this.load("search/d/" + c + ".kbz?v=" + this.meta.hash);
    return this.chunks[c].then(function (docs) { return docs[n - c * this.meta.chunk]; }.bind(this));
  };

  // section resolves to the [anchor, heading] of document s from the
  // outline of its page that n's chunk holds (on the page's first
  // document there): a hit's sections need no chunks of their own.
  Engine.prototype.section = function (n, s) {
    var pg = this.pageOf[n], start = this.pageStart[pg];
    return this.doc(Math.max(start, n - n % this.meta.chunk)).then(function (d) { return d.o[s - start]; });
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

  var api = { parseQuery: parseQuery, words: words, snippet: snippet, findCitations: findCitations, citationKey: citationKey, Engine: Engine };
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

  function pageURL(u, anchor) { return base + u.replace(/^\//, "") + (anchor ? "#" + anchor : ""); }

  // A page may bring its own search backend, answering with hits ready to
  // draw (kb serve's preview does, having no static index).
  // The preview's search backend, when there is one: checked for being a
  // function, as an element with that id would also be a global.
  function backend() { return typeof window.kbSearchBackend === "function" ? window.kbSearchBackend : undefined; }

  // answer runs a query, from the static index or the page's backend, and
  // resolves to what is drawn: {total, pages, fallback, kinds, hits:
  // [{href, title, kind, snippet, best, sections: [{href, heading}]}]}.
  // opts: kind, limit, from (pages to skip).
  function answer(q, opts) {
    var own = backend();
    if (own) {
      var from = opts.from || 0;
      return own(q, { limit: from + opts.limit, kind: opts.kind }).then(function (res) {
        return {
          total: res.total, pages: res.pages, fallback: res.fallback, kinds: res.kinds,
          hits: (res.hits || []).slice(from).map(function (h) {
            return {
              href: pageURL(h.url, h.anchor), title: h.title, kind: h.kind, snippet: h.snippet || "", best: h.best,
              sections: (h.sections || []).map(function (s) { return { href: pageURL(h.url, s.anchor), heading: s.heading }; }),
            };
          }),
        };
      });
    }
    return engine.search(q, opts).then(function (res) {
      var shown = res.hits.map(function (h) {
        return Promise.all([engine.doc(h.doc)].concat(h.sections.map(function (s) { return engine.section(h.doc, s); })));
      });
      return Promise.all([engine.surfaces(res.terms)].concat(shown)).then(function (all) {
        var surfaces = all[0];
        return {
          total: res.total, pages: res.pages, fallback: res.fallback, kinds: res.kinds,
          hits: res.hits.map(function (h, i) {
            var d = all[i + 1][0], heading = h.best && h.label ? h.label : d.h;
            return {
              href: pageURL(d.u, h.best ? h.anchor : d.a),
              title: heading ? d.t + " › " + heading : d.t,
              kind: d.k, best: h.best,
              snippet: snippet(h.best && h.text ? h.text : d.b || d.s || "", h.best ? {} : surfaces),
              sections: all[i + 1].slice(1).map(function (s) {
                return { href: pageURL(d.u, s[0]), heading: s[1] || "Introduction" };
              }),
            };
          }),
        };
      });
    });
  }

  // hitLink draws one result: title, kind and a snippet that is already
  // escaped HTML with <mark>s.
  function hitLink(h, option) {
    var a = document.createElement("a");
    a.className = "search-hit" + (h.best ? " search-best" : "");
    a.href = h.href;
    if (option) {
      a.setAttribute("role", "option");
      a.setAttribute("aria-selected", "false");
    }
    a.innerHTML = '<span class="hit-title">' + escapeHTML(h.title) + '</span> <span class="hit-kind">' +
      escapeHTML(h.kind) + "</span>" + (h.best ? ' <span class="hit-kind hit-best">pinpoint</span>' : "") +
      '<span class="hit-snippet">' + h.snippet + "</span>";
    return a;
  }

  // drawHits adds hits to list: options of a listbox without their
  // sections (the header's pop-up), or links with the sections beneath.
  function drawHits(list, hits, withSections) {
    hits.forEach(function (h) {
      list.appendChild(hitLink(h, !withSections));
      if (!withSections || !h.sections.length) return;
      var ul = document.createElement("ul");
      ul.className = "hit-sections";
      ul.setAttribute("role", "presentation");
      h.sections.forEach(function (s) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = s.href;
        a.textContent = s.heading;
        a.tabIndex = -1; // the hit's own link is the tab stop; these are for the pointer
        li.appendChild(a);
        ul.appendChild(li);
      });
      list.appendChild(ul);
    });
  }

  function noResults(list, q) {
    var p = document.createElement("p");
    p.className = "search-none";
    p.textContent = "No results for “" + q + "”.";
    list.appendChild(p);
  }

  // countText says what is listed: "31 pages, 93 sections".
  function countText(res) {
    if (!res || !res.total) return "";
    return res.pages + (res.pages === 1 ? " page, " : " pages, ") + res.total + (res.total === 1 ? " section" : " sections");
  }

  var FALLBACK = "No page has all the words; showing pages with some of them.";

  // keys moves the selection through the hits in list with the arrows.
  function keys(e, list, input) {
    var hits = Array.prototype.slice.call(list.querySelectorAll(".search-hit"));
    if (!hits.length) return;
    var at = hits.findIndex(function (h) { return h.classList.contains("is-selected"); });
    function select(h, on) {
      h.classList.toggle("is-selected", on);
      if (h.getAttribute("role") === "option") h.setAttribute("aria-selected", String(on));
    }
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (at >= 0) select(hits[at], false);
      at = e.key === "ArrowDown" ? Math.min(hits.length - 1, at + 1) : at - 1;
      if (at < 0) { input.focus(); return; }
      select(hits[at], true);
      hits[at].scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter" && at >= 0) {
      e.preventDefault();
      location.href = hits[at].href;
    }
  }

  // live runs a search per keystroke, drawing only the latest answer with
  // draw(res, q); more() draws the next pages of results.
  function live(input, list, opts, draw) {
    var seq = 0;
    function run() {
      var q = input.value, my = ++seq;
      if (!q.trim()) { list.textContent = ""; draw(null, q); return; }
      answer(q, opts(0)).then(function (res) {
        if (my === seq) draw(res, q);
      }).catch(function (err) {
        list.textContent = "Search is unavailable: " + err.message;
      });
    }
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) { keys(e, list, input); });
    return {
      run: run,
      more: function (from) {
        var my = seq;
        return answer(input.value, opts(from)).then(function (res) { return my === seq ? res : null; });
      },
    };
  }

  function setupBox() {
    var input = document.getElementById("kb-q"), popup = document.getElementById("kb-search-results");
    if (!input || !popup || document.getElementById("kb-search-page-q")) return;
    popup.setAttribute("role", "listbox");
    popup.setAttribute("aria-label", "Search results");
    var box = live(input, popup, function () { return { limit: 8 }; }, function (res, q) {
      popup.hidden = !q.trim();
      if (!res) return;
      popup.textContent = "";
      if (res.fallback) {
        var note = document.createElement("p");
        note.className = "search-note";
        note.textContent = FALLBACK;
        popup.appendChild(note);
      }
      drawHits(popup, res.hits, false);
      if (!res.hits.length) { noResults(popup, q); return; }
      var all = document.createElement("a");
      all.className = "search-hit search-all";
      all.href = base + "search/?q=" + encodeURIComponent(q);
      all.setAttribute("role", "option");
      all.setAttribute("aria-selected", "false");
      all.textContent = "All " + res.pages + (res.pages === 1 ? " result" : " results") + " →";
      popup.appendChild(all);
    });
    input.addEventListener("focus", function () { if (!backend()) engine.init(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { popup.hidden = true; input.blur(); }
    });
    document.addEventListener("click", function (e) {
      if (!popup.contains(e.target) && e.target !== input) popup.hidden = true;
    });
    // Loaded on the box's first focus (kb.js): the reader may be typing.
    if (document.activeElement === input) {
      if (!backend()) engine.init();
      if (input.value.trim()) box.run();
    }
  }

  // perPage is how many pages of results the search page draws at a time.
  var perPage = 10;

  function setupPage() {
    var input = document.getElementById("kb-search-page-q"), list = document.getElementById("kb-search-page-results");
    var facets = document.getElementById("kb-search-facets"), count = document.getElementById("kb-search-page-count");
    if (!input || !list) return;
    var params = new URLSearchParams(location.search), kind = params.get("kind") || "";
    input.value = params.get("q") || "";
    var header = document.getElementById("kb-q");
    if (header) header.value = input.value;
    var search = live(input, list, function (from) { return { limit: perPage, from: from, kind: kind }; }, function (res, q) {
      var u = new URL(location.href);
      u.searchParams.set("q", q);
      if (kind) u.searchParams.set("kind", kind); else u.searchParams.delete("kind");
      history.replaceState(null, "", u);
      drawFacets(res);
      if (count) count.textContent = (res && res.fallback ? FALLBACK + " " : "") + countText(res);
      if (!res) return;
      list.textContent = "";
      drawHits(list, res.hits, true);
      if (!res.hits.length && q.trim()) noResults(list, q);
      moreButton(res.hits.length, res.pages);
    });
    // moreButton offers the next pages of results while there are more.
    function moreButton(shown, pages) {
      if (shown >= pages) return;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "search-more";
      b.textContent = "Show more results (" + shown + " of " + pages + ")";
      b.addEventListener("click", function () {
        b.disabled = true;
        search.more(shown).then(function (res) {
          if (!res) return;
          b.remove();
          drawHits(list, res.hits, true);
          moreButton(shown + res.hits.length, res.pages);
        });
      });
      list.appendChild(b);
    }
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
        b.addEventListener("click", function () { kind = k; search.run(); });
        facets.appendChild(b);
      });
    }
    var form = input.form;
    if (form) form.addEventListener("submit", function (e) { e.preventDefault(); search.run(); });
    search.run();
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
