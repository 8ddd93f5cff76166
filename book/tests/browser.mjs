// Opens every page of the built book in headless Chromium, as a reader would, and checks:
//   - no errors in the console, no failed requests (everything the book needs is served locally);
//   - every diagram rendered (an <svg> in each mermaid block), and at least one per page;
//   - every code listing non-empty;
//   - every internal link reaches a page, and its #fragment an element of that page;
//   - the search box finds chapter 1 for "sethostname".
// Given a directory, it saves a full-page screenshot of each page there, to look at (they take
// half the check's time, so CI takes none).
//
//   node browser.mjs BOOK_DIR [SCREENSHOT_DIR]
//
// The book is served from 127.0.0.1 by a small static server in this script; Chromium is the
// system's (CHROMIUM, default /usr/bin/chromium), driven over the DevTools protocol by
// playwright-core. Why that driver: it downloads no browser of its own (the system's Chromium is
// used as it is), it is one package with no dependencies, and it reports exactly what this check
// asserts on (console messages, page errors, failed requests, auto-waiting for the diagrams, full
// page screenshots) without a WebDriver server in between. A Rust WebDriver client would need
// chromedriver and an async runtime for the same result.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const [bookDir, shotDir] = process.argv.slice(2);
if (!bookDir) {
  console.error('usage: node browser.mjs BOOK_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}
const root = path.resolve(bookDir);
if (shotDir) fs.mkdirSync(shotDir, { recursive: true });

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.woff': 'font/woff',
  '.ttf': 'font/ttf', '.json': 'application/json', '.txt': 'text/plain',
};
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  let file = path.join(root, decodeURIComponent(url.pathname));
  if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    res.end(data);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

// The pages a reader can reach: every .html but the ones mdBook makes for itself.
const skip = new Set(['404.html', 'print.html', 'toc.html']);
const pages = fs.readdirSync(root, { recursive: true })
  .filter((f) => f.endsWith('.html') && !skip.has(f))
  .sort();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });

const problems = [];
const idsOf = new Map(); // page → Set of element ids, filled as pages are visited
const links = []; // [from page, absolute URL]

// A page mostly waits (for its scripts, for the network to be idle): a few are checked at once.
const AT_ONCE = 3;
const reports = new Map();
async function check(name) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(base + name, { waitUntil: 'networkidle' });

  const diagrams = await page.locator('pre.mermaid').count();
  if (diagrams === 0) problems.push(`${name}: no diagram on the page`);
  try {
    await page.waitForFunction(
      () => [...document.querySelectorAll('pre.mermaid')].every((d) => d.querySelector('svg')),
      null, { timeout: 15000 });
  } catch {
    const rendered = await page.locator('pre.mermaid svg').count();
    problems.push(`${name}: ${diagrams - rendered} of ${diagrams} diagram(s) did not render`);
  }

  const listings = await page.$$eval('pre > code', (codes) => codes.map((c) => c.textContent));
  listings.forEach((text, i) => {
    if (!text.trim()) problems.push(`${name}: code listing #${i + 1} is empty`);
  });

  idsOf.set(name, new Set(await page.$$eval('[id]', (els) => els.map((e) => e.id))));
  const hrefs = await page.$$eval('main a[href]', (as) => as.map((a) => a.href));
  for (const href of hrefs) if (href.startsWith(base)) links.push([name, href]);

  for (const e of errors) problems.push(`${name}: ${e}`);
  if (shotDir) {
    const shot = path.join(shotDir, name.replace(/\//g, '_').replace(/\.html$/, '.png'));
    await page.screenshot({ path: shot, fullPage: true });
  }
  reports.set(name, `  ${name}: ${diagrams} diagram(s), ${listings.length} listing(s), ${errors.length} error(s)`);
  await page.close();
}
const queue = [...pages];
await Promise.all(Array.from({ length: AT_ONCE }, async () => {
  while (queue.length) await check(queue.shift());
}));
for (const name of pages) console.log(reports.get(name));

for (const [from, href] of links) {
  const url = new URL(href);
  const target = url.pathname.slice(1) || 'index.html';
  const file = path.join(root, decodeURIComponent(target));
  if (!fs.existsSync(file)) { problems.push(`${from}: link to ${target}: no such page`); continue; }
  const fragment = decodeURIComponent(url.hash.slice(1));
  if (fragment && idsOf.has(target) && !idsOf.get(target).has(fragment)) {
    problems.push(`${from}: link to ${target}#${fragment}: no such anchor`);
  }
}

// The search box: type a system call, expect chapter 1 among the results.
{
  const page = await context.newPage();
  await page.goto(base + 'index.html', { waitUntil: 'networkidle' });
  await page.click('#mdbook-search-toggle');
  // Typed key by key, as a reader does: the search runs on key events.
  await page.locator('#mdbook-searchbar').pressSequentially('sethostname', { delay: 20 });
  try {
    await page.waitForFunction(
      () => [...document.querySelectorAll('#mdbook-searchresults a')].some((a) => a.href.includes('chapter-01.html')),
      null, { timeout: 10000 });
    console.log('  search: "sethostname" finds chapter 1');
  } catch {
    const found = await page.$$eval('#mdbook-searchresults a', (as) => as.map((a) => a.getAttribute('href')));
    problems.push(`search: "sethostname" does not find chapter-01.html (results: ${JSON.stringify(found)})`);
  }
  if (shotDir) await page.screenshot({ path: path.join(shotDir, 'search.png') });
  await page.close();
}

await browser.close();
server.close();

console.log(`${pages.length} page(s), ${links.length} internal link(s) checked${shotDir ? `; screenshots in ${shotDir}` : ''}`);
if (problems.length) {
  console.error(`the book in a browser: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
