import { accessSync, constants, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "../../codegen/audit/html.js";
import { buildReport } from "../../codegen/audit/report.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

/**
 * `toolwright audit --html`: one self-contained page, checked in a real headless browser (Debian's chromium,
 * which .ci/run installs): it renders the chart, findings and every tool; the search and the class filter
 * work; there is no console error (an inline script its CSP hash did not allow would be one); and catalog text
 * stays text (a hostile title adds no element and runs nothing).
 */

/** Debian's chromium as CI (.ci/run, apt-get install chromium) has it: on PATH, or TOOLWRIGHT_CHROMIUM. */
function findChromium(): string | undefined {
  if (process.env.TOOLWRIGHT_CHROMIUM) return process.env.TOOLWRIGHT_CHROMIUM;
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin"].filter(Boolean);
  for (const name of ["chromium", "chromium-browser"])
    for (const dir of dirs) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {}
    }
  return undefined;
}
const CHROMIUM = findChromium();
// The flags this machine needs (docs: /work/.library/env/machines/node.md): no sandbox as root, no network.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const doc = JSON.parse(
  readFileSync(join(ROOT, "generated/scaivault/catalog.json"), "utf8"),
) as CatalogDocument;
const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
const hostile: CatalogDocument = {
  ...doc,
  server: { ...doc.server, title: HOSTILE },
  tools: doc.tools.map((t, i) => (i === 0 ? { ...t, title: HOSTILE, tags: [HOSTILE] } : t)),
};

let browser: Browser;
let file: string;

beforeAll(async () => {
  if (!CHROMIUM)
    throw new Error(
      "test/cli/audit-html.test.ts: no chromium on PATH (nor TOOLWRIGHT_CHROMIUM): install Debian's chromium (apt-get install -y chromium; .ci/run does)",
    );
  file = join(tmpDir("audit-html"), "audit.html");
  writeFileSync(file, renderHtml(buildReport(hostile)));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
});
afterAll(() => browser?.close());

describe("audit --html in headless chromium", () => {
  it("renders, searches and filters, with no console errors and no element from catalog text", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    const rows = page.locator("#tools tbody tr");
    const visible = () => page.locator("#tools tbody tr:not([hidden])").count();

    expect(await page.title()).toContain("toolwright audit: scaivault");
    expect(await rows.count()).toBe(doc.tools.length);
    expect(await page.locator("#chart rect").count()).toBeGreaterThanOrEqual(3 + 4);
    expect(await page.locator("ul.findings li").count()).toBe(buildReport(doc).findings.length);

    await page.fill("#q", "delete secret");
    await page.waitForFunction(`document.getElementById("shown").textContent !== "${doc.tools.length}"`);
    const deletes = doc.tools.filter((t) => /delete/.test(`${t.name} ${t.summary}`) && /secret/.test(t.name));
    expect(await visible()).toBe(deletes.length);
    expect(await page.locator("#tools tbody tr:not([hidden]) code").first().textContent()).toBe(
      "scaivault_delete_secret",
    );

    await page.fill("#q", "");
    await page.selectOption("#safety", "destructive");
    expect(await visible()).toBe(doc.tools.filter((t) => t.safety === "destructive").length);
    expect(await page.locator("#shown").textContent()).toBe(String(await visible()));

    expect(await page.locator("img").count()).toBe(0);
    expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
    expect(await page.locator("h1").textContent()).toContain("<img src=x");
    expect(errors).toEqual([]);
  });
});
