// Runs the theme's static search client under Node over a built site:
//   node search-parity.js SEARCH_JS PUBLIC_DIR LIMIT < queries.json
// and prints, as JSON, each query's hits and the bytes it fetched.
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const [searchJS, publicDir, limit] = process.argv.slice(2);
const kb = require(path.resolve(searchJS));
let bytes = 0;
const engine = new kb.Engine(function (p) {
  const data = fs.readFileSync(path.join(publicDir, p.replace(/\?.*$/, "")));
  bytes += data.length;
  // Document chunks are gzip-compressed JSON, as the browser client expects.
  const text = data[0] === 0x1f && data[1] === 0x8b ? zlib.gunzipSync(data) : data;
  return Promise.resolve(JSON.parse(text));
});
(async function () {
  const queries = JSON.parse(fs.readFileSync(0, "utf8"));
  const out = [];
  for (const q of queries) {
    const before = bytes;
    const res = await engine.search(q, { limit: Number(limit) });
    const docs = await Promise.all(res.hits.map((h) => engine.doc(h.doc)));
    out.push({
      query: q,
      total: res.total,
      pages: res.pages,
      fallback: !!res.fallback,
      hits: docs.map((d, i) => ({
        url: d.u,
        anchor: res.hits[i].best ? res.hits[i].anchor : d.a || "",
        best: !!res.hits[i].best,
        score: res.hits[i].score,
      })),
      bytes: bytes - before,
    });
  }
  process.stdout.write(JSON.stringify(out));
})().catch(function (err) {
  console.error(err);
  process.exit(1);
});
