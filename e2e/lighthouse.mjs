// Audits pages with Lighthouse on one Chromium, mobile and desktop, and
// prints one JSON line per audit: the page, the form factor, each
// category's score and the weighted audits that fell short.
// Used by go test ./e2e (lighthouse_test.go):
//   node lighthouse.mjs CHROMIUM URL...
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import * as chromeLauncher from "chrome-launcher";

const [chromePath, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  for (const url of urls) {
    for (const [formFactor, config] of [["mobile", undefined], ["desktop", desktopConfig]]) {
      const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error" }, config);
      const lhr = result.lhr;
      const scores = {}, short = [];
      for (const [id, cat] of Object.entries(lhr.categories)) {
        scores[id] = cat.score;
        for (const ref of cat.auditRefs) {
          const a = lhr.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) {
            short.push(`${id}: ${ref.id} ${a.score}${a.displayValue ? " (" + a.displayValue + ")" : ""}`);
          }
        }
      }
      const errors = lhr.runtimeError ? [lhr.runtimeError.message] : [];
      console.log(JSON.stringify({ url, formFactor, scores, short, errors }));
    }
  }
} finally {
  await chrome.kill();
}
