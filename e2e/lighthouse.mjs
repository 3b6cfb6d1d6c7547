// Audits pages with Lighthouse on one Chromium, mobile and desktop, and
// prints one JSON line per page and form factor: each category's score
// and the weighted audits that fell short.
// Used by go test ./e2e (lighthouse_test.go):
//   node lighthouse.mjs MIN_SCORE CHROMIUM URL...
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import * as chromeLauncher from "chrome-launcher";

const [minArg, chromePath, ...urls] = process.argv.slice(2);
const min = Number(minArg);
const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
// cpuBound are the performance audits that measure the host's CPU more
// than the page: under the phone's simulated 4× slowdown, total blocking
// time on this project's shared 2-vCPU CI machine ranged from 160 to
// 1,390 ms across runs of byte-identical pages (2026-11-30), moving the
// phone's performance score from 100 to 69, and the desktop's from 100
// to 91 while other tests ran. The gate scores performance without them
// (the category's weighted mean of the other audits) and reports
// Lighthouse's own score beside it; the bytes and scripts a page ships
// are gated by weight_test.go.
const cpuBound = new Set(["total-blocking-time"]);

// gatedPerformance is the performance category's weighted mean score
// leaving out the cpuBound audits.
function gatedPerformance(lhr) {
  let sum = 0, weights = 0;
  for (const ref of lhr.categories.performance.auditRefs) {
    if (ref.weight === 0 || cpuBound.has(ref.id)) continue;
    sum += ref.weight * (lhr.audits[ref.id].score ?? 0);
    weights += ref.weight;
  }
  return weights ? Math.round(sum / weights * 100) / 100 : null;
}

// audit runs Lighthouse once and sums up its report.
async function audit(url, config) {
  const { lhr } = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error" }, config);
  const scores = {}, short = [];
  const lighthousePerformance = lhr.categories.performance?.score ?? null;
  for (const [id, cat] of Object.entries(lhr.categories)) {
    scores[id] = id === "performance" ? gatedPerformance(lhr) : cat.score;
    for (const ref of cat.auditRefs) {
      const a = lhr.audits[ref.id];
      if (ref.weight > 0 && a.score !== null && a.score < 1) {
        short.push(`${id}: ${ref.id} ${a.score}${a.displayValue ? " (" + a.displayValue + ")" : ""}`);
      }
    }
  }
  return { scores, lighthousePerformance, short, errors: lhr.runtimeError ? [lhr.runtimeError.message] : [] };
}

const median = xs => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  for (const url of urls) {
    for (const [formFactor, config] of [["mobile", undefined], ["desktop", desktopConfig]]) {
      // Performance varies from run to run, the more so on a busy
      // machine: a page that falls short is audited twice more, and each
      // category scores its median (as Lighthouse's docs advise).
      const runs = [await audit(url, config)];
      if (Object.values(runs[0].scores).some(s => s === null || s < min)) {
        runs.push(await audit(url, config), await audit(url, config));
      }
      const scores = {};
      for (const id of Object.keys(runs[0].scores)) scores[id] = median(runs.map(r => r.scores[id] ?? 0));
      const last = runs[runs.length - 1];
      const lighthousePerformance = median(runs.map(r => r.lighthousePerformance ?? 0));
      console.log(JSON.stringify({ url, formFactor, runs: runs.length, scores, lighthousePerformance, short: last.short,
        errors: runs.flatMap(r => r.errors) }));
    }
  }
} finally {
  await chrome.kill();
}
