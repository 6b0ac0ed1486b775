// page.mjs - the page in a real browser: Debian's chromium, driven by
// playwright-core (never a downloaded browser). Prints TAP.
//
//   node test/browser/page.mjs BASE_URL STORE SHOTS_DIR PNG
//   node test/browser/page.mjs --reject BASE_URL STORE SHOTS_DIR PNG NOISE1 NOISE2
//
// Draws digits with pointer events along stroke paths defined here, and
// expects the right prediction and ten bars for each; uploads a PNG;
// marks a prediction Incorrect with the right digit and finds the record
// in the store; does the same on a phone-sized viewport with touch; and
// writes screenshots (light, dark, phone) to SHOTS_DIR. The answers
// expected are those of the shipped model.
//
// --reject: the server has a model with a "not a digit" class that
// rejects the noise pictures NOISE1 and NOISE2 and reads PNG (a 7) as a
// digit. Uploads them and checks the reject answer in words, the faint
// best guess, and feedback with label and predicted "-"; screenshots
// page-reject.png and page-reject-phone-dark.png.
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const reject = process.argv[2] === "--reject";
const [base, store, shots, png, noise1, noise2] = process.argv.slice(reject ? 3 : 2);
const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let n = 0, failed = 0;
const lines = [];
function ok(cond, what) {
  n++;
  if (!cond) failed++;
  lines.push(`${cond ? "ok" : "not ok"} ${n} - ${what}`);
}
function diag(text) { lines.push(...String(text).split("\n").map((l) => "# " + l)); }

// Strokes on the 280x280 canvas, each a list of [x, y].
function arc(cx, cy, rx, ry, from, to, steps) {
  const pts = [];
  for (let i = 0; i <= steps; i++) {
    const t = from + (to - from) * i / steps;
    pts.push([cx + rx * Math.cos(t), cy + ry * Math.sin(t)]);
  }
  return pts;
}
const digits = {
  0: [arc(140, 140, 55, 85, -Math.PI / 2, 1.5 * Math.PI + 0.2, 40)],
  1: [[[150, 50], [147, 100], [143, 160], [140, 230]]],
  2: [arc(140, 105, 55, 50, Math.PI * 1.05, Math.PI * 2.25, 24)
        .concat([[85, 230], [205, 230]])],
  3: [arc(135, 95, 50, 42, -Math.PI * 0.8, Math.PI * 0.5, 20)
        .concat(arc(135, 180, 58, 48, -Math.PI * 0.5, Math.PI * 0.8, 20))],
  4: [[[125, 50], [90, 160], [200, 160]], [[170, 70], [168, 235]]],
  7: [[[80, 60], [200, 60], [125, 235]]],
};

async function strokeMouse(page, box, strokes) {
  for (const s of strokes) {
    const at = (p) => [box.x + p[0] * box.width / 280, box.y + p[1] * box.height / 280];
    await page.mouse.move(...at(s[0]));
    await page.mouse.down();
    for (const p of s.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
    await page.mouse.up();
  }
}

// Touch: Chromium turns CDP touch events into pointer events of type
// "touch", as a finger on a phone would make. The session is closed
// afterwards: Playwright's own taps make no click while another session
// has sent touches.
async function strokeTouch(ctx, page, box, strokes) {
  const cdp = await ctx.newCDPSession(page);
  for (const s of strokes) {
    const pt = (p) => ({ x: box.x + p[0] * box.width / 280, y: box.y + p[1] * box.height / 280 });
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [pt(s[0])] });
    for (let i = 1; i < s.length; i++) {
      const a = s[i - 1], b = s[i];
      for (let k = 1; k <= 4; k++) {
        const q = [a[0] + (b[0] - a[0]) * k / 4, a[1] + (b[1] - a[1]) * k / 4];
        await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [pt(q)] });
      }
    }
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  }
  await cdp.detach();
}

// Waits for an answer to appear; returns {digit, bars} or null.
async function answer(page) {
  try {
    await page.waitForFunction(() => /^Confidence/.test(document.getElementById("conf").textContent),
                               null, { timeout: 10000 });
  } catch (e) {
    return null;
  }
  return page.evaluate(() => ({
    digit: document.getElementById("digit").textContent,
    bars: Array.from(document.querySelectorAll("#bars li .num")).map((e) => e.textContent),
  }));
}

async function clear(page) {
  await page.click("#clear");
  await page.waitForFunction(() => document.getElementById("digit").textContent === "?");
}

function barsOk(a) {
  if (!a || a.bars.length !== 10 || !a.bars.every((t) => /^\d+\.\d%$/.test(t))) return false;
  const sum = a.bars.reduce((s, t) => s + parseFloat(t), 0);
  return sum > 98.5 && sum < 101.5;
}

function records() {
  if (!existsSync(store)) return [];      /* no verdict stored yet */
  const out = execFileSync(path.join(top, "bin/feedback-log"), ["--store", store, "--list"]);
  return out.toString().split("\n").filter(Boolean).map((l) => l.split("\t"));
}

async function main() {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    if (reject) {
      await rejectDesktop(browser);
      await rejectPhone(browser);
    } else {
      await desktop(browser);
      await fixes(browser);
      await noScript(browser);
      await phone(browser);
    }
  } finally {
    await browser.close();
  }
}

async function desktop(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 780 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(base);
  ok(await page.title() === "digits: handwritten digit recognizer", "the page loads");
  await page.screenshot({ path: path.join(shots, "page-empty.png") });
  const box = await page.locator("#pad").boundingBox();

  for (const d of ["0", "1", "2", "3", "4", "7"]) {
    await clear(page);
    await strokeMouse(page, box, digits[d]);
    const a = await answer(page);
    ok(a && a.digit === d, `drew a ${d} with the mouse: predicted ${a ? a.digit : "nothing"}`);
    ok(barsOk(a), `... ten probability bars summing to 100%`);
    if (d === "4" && !(await page.waitForTimeout(400)))
      await page.screenshot({ path: path.join(shots, "page.png") });
  }

  // Incorrect -> the right digit -> the record is in the store.
  const before = records().length;
  await page.click("#wrong");
  await page.click('#pick button[data-digit="1"]');
  await page.waitForFunction(() => /saved as a 1/.test(document.getElementById("status").textContent),
                             null, { timeout: 10000 }).catch(() => {});
  const status = await page.textContent("#status");
  ok(/Thanks: saved as a 1/.test(status), `Incorrect, it is a 1: the page confirms ("${status}")`);
  const recs = records();
  const last = recs[recs.length - 1] || [];
  ok(recs.length === before + 1 && last[2] === "1" && last[3] === "7" && last[6] === "web",
     "... and the store holds it: label 1, predicted 7, source web");
  ok(status.includes(last[0] || "-"), "... the confirmation names the record's id");

  // Correct.
  await clear(page);
  await strokeMouse(page, box, digits["0"]);
  await answer(page);
  await page.click("#right");
  await page.waitForFunction(() => /marked correct/.test(document.getElementById("status").textContent),
                             null, { timeout: 10000 }).catch(() => {});
  ok(/marked correct/.test(await page.textContent("#status")), "Correct: confirmed");
  const r0 = records();
  ok(r0[r0.length - 1][2] === "0" && r0[r0.length - 1][3] === "0", "... stored as label 0, predicted 0");

  // Upload a PNG through the file picker.
  await clear(page);
  await page.setInputFiles("#file", png);
  const up = await answer(page);
  ok(up && up.digit === "7", `uploaded a PNG of a 7: predicted ${up ? up.digit : "nothing"}`);
  ok(barsOk(up), "... with ten bars");
  const seen = await page.evaluate(() => {
    const d = document.getElementById("seen").getContext("2d").getImageData(0, 0, 28, 28).data;
    let lit = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 128) lit++;
    return lit;
  });
  ok(seen > 40 && seen < 400, `... and shows the 28x28 the model saw (${seen} bright pixels)`);

  // A picture of a number (NUMBER_PNG, reading NUMBER_TRUTH): the
  // number, each digit's picture and ten bars; Correct stores each digit.
  if (process.env.NUMBER_PNG) {
    const want = process.env.NUMBER_TRUTH;
    await clear(page);
    await page.setInputFiles("#file", process.env.NUMBER_PNG);
    const num = await answer(page);
    ok(num && num.digit === want, `uploaded a picture of ${want}: read as ${num ? num.digit : "nothing"}`);
    const cards = await page.evaluate(() => Array.from(document.querySelectorAll("#digits figure")).map((f) => ({
      caption: f.querySelector("figcaption").firstChild.textContent,
      bars: f.querySelectorAll("li").length,
      lit: (() => {
        const d = f.querySelector("canvas").getContext("2d").getImageData(0, 0, 28, 28).data;
        let lit = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] > 128) lit++;
        return lit;
      })(),
    })));
    ok(cards.map((c) => c.caption).join("") === want && cards.every((c) => c.bars === 10),
       `... one card per digit, each with ten bars (${JSON.stringify(cards.map((c) => c.caption))})`);
    ok(cards.every((c) => c.lit > 30), "... and each digit's 28x28 picture");
    const hidden = await page.evaluate(() => getComputedStyle(document.getElementById("bars")).display);
    ok(hidden === "none", "... and no single-digit bars beside them");
    await page.screenshot({ path: path.join(shots, "page-number.png") });
    const b = records().length;
    await page.click("#right");
    await page.waitForFunction(() => /Thanks: saved/.test(document.getElementById("status").textContent),
                               null, { timeout: 10000 }).catch(() => {});
    const st = await page.textContent("#status");
    const rs = records().slice(b);
    ok(rs.length === want.length && rs.map((r) => r[2]).join("") === want,
       `Correct on a number: its ${want.length} digits stored, labels ${rs.map((r) => r[2]).join("")} ("${st}")`);
  }

  // Errors in words: nothing drawn; an image with no digit.
  await clear(page);
  await page.click("#predict");
  ok(/Draw a digit first/.test(await page.textContent("#error")), "Predict with nothing drawn: says so");
  await strokeMouse(page, box, digits["1"]);
  await page.click("#undo");
  ok(await page.textContent("#digit") === "?", "Undo of the only stroke: back to no answer");
  ok(await page.textContent("#error") === "", "... and the old error is gone");
  /* The stroke's prediction was due 350 ms after it ended: undo cancels it. */
  await page.waitForTimeout(700);
  const late = await page.evaluate(() => [document.getElementById("digit").textContent,
                                          document.getElementById("error").textContent]);
  ok(late[0] === "?" && late[1] === "", `... and nothing is predicted later (${JSON.stringify(late)})`);
  // A white PNG made in the page itself, so the browser can open it.
  await page.evaluate(async () => {
    const c = document.createElement("canvas"); c.width = 50; c.height = 50;
    const g = c.getContext("2d"); g.fillStyle = "#fff"; g.fillRect(0, 0, 50, 50);
    const blob = await new Promise((r) => c.toBlob(r, "image/png"));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], "white.png", { type: "image/png" }));
    document.getElementById("pad").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true }));
  });
  await page.waitForFunction(() => document.getElementById("error").textContent !== "", null,
                             { timeout: 10000 }).catch(() => {});
  const err = await page.textContent("#error");
  ok(/No digit found/.test(err), `a dropped picture with no digit: the server's 422 shown in words ("${err}")`);

  // Paste: a PNG of a drawn 1 on the clipboard.
  await page.keyboard.press("Escape");
  await page.evaluate(async () => {
    const c = document.createElement("canvas"); c.width = 100; c.height = 100;
    const g = c.getContext("2d");
    g.fillStyle = "#fff"; g.fillRect(0, 0, 100, 100);
    g.strokeStyle = "#000"; g.lineWidth = 9; g.lineCap = "round";
    g.beginPath(); g.moveTo(52, 12); g.lineTo(48, 88); g.stroke();
    const blob = await new Promise((r) => c.toBlob(r, "image/png"));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], "one.png", { type: "image/png" }));
    document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true }));
  });
  const pasted = await answer(page);
  ok(pasted && pasted.digit === "1", `pasted a PNG of a 1: predicted ${pasted ? pasted.digit : "nothing"}`);

  // Keyboard: Tab reaches the controls in order.
  await page.keyboard.press("Escape");
  await page.focus("#pad");
  const order = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Tab");
    order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName));
  }
  ok(order.join(",") === "predict,undo,clear,file", `Tab moves through the controls (${order.join(",")})`);

  // Dark mode.
  await page.emulateMedia({ colorScheme: "dark" });
  await strokeMouse(page, box, digits["7"]);
  const dk = await answer(page);
  ok(dk && dk.digit === "7", "dark mode: drawing a 7 still reads as 7");
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.waitForTimeout(400);            /* the bars' transition */
  ok(bg === "rgb(20, 20, 20)", `... on a dark background (${bg})`);
  await page.screenshot({ path: path.join(shots, "page-dark.png") });
  ok(errors.length === 0, "no script errors" + (errors.length ? ": " + errors.join("; ") : ""));
  await ctx.close();
}

// Pixels of the drawing canvas darker (or, dark: lighter) than mid-grey.
async function padInk(page, dark) {
  return page.evaluate((dk) => {
    const d = document.getElementById("pad").getContext("2d").getImageData(0, 0, 280, 280).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (dk ? d[i] > 128 : d[i] < 128) n++;
    return n;
  }, dark);
}

// The rough edges of issue 13 on the page: stale answers, files the
// browser cannot open, messages that outlive their picture, taking a
// label back, typing it, the 28x28's caption, transparent pictures in
// dark mode, the pen width.
async function fixes(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 780 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(base);
  const box = await page.locator("#pad").boundingBox();
  const state = () => page.evaluate(() => ({
    digit: document.getElementById("digit").textContent,
    canAnswer: !document.getElementById("right").disabled || !document.getElementById("wrong").disabled,
    status: (document.getElementById("said") || document.getElementById("status")).textContent,
    error: document.getElementById("error").textContent,
    lit: (() => {
      const d = document.getElementById("seen").getContext("2d").getImageData(0, 0, 28, 28).data;
      let lit = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 128) lit++;
      return lit;
    })(),
  }));

  // (Each step below tolerates the old page's missing parts, so that
  // every check of it fails alone.)
  const soft = { timeout: 2000 };
  const click = (sel) => page.click(sel, soft).catch(() => {});
  ok(/what the network saw/.test(await page.evaluate(() =>
       (document.querySelector("figure.seen figcaption") || {}).textContent)),
     "the 28x28 view has a caption: what the network saw");

  // A failed picture clears the answer and the verdict buttons.
  await strokeMouse(page, box, digits["3"]);
  await answer(page);
  await page.setInputFiles("#file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("three\n") });
  let s = await state();
  ok(s.digit === "?" && !s.canAnswer && s.lit === 0 && /not an image/.test(s.error),
     `a 3, then a .txt: the old answer is gone, Correct and Incorrect disabled (${JSON.stringify(s)})`);

  // A new drawing makes the answer stale at the first touch of the pen.
  await clear(page);
  await strokeMouse(page, box, digits["7"]);
  await answer(page);
  await page.mouse.move(box.x + 40, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + 60, box.y + 80, { steps: 3 });
  s = await state();
  await page.mouse.up();
  ok(s.digit === "?" && !s.canAnswer, `a new stroke begun: the old answer is gone at once (${JSON.stringify(s)})`);

  // A PGM, which no browser opens, goes to the server as it is.
  if (process.env.SEVEN_PGM) {
    await clear(page);
    await page.setInputFiles("#file", process.env.SEVEN_PGM);
    const a = await answer(page);
    s = await state();
    ok(a && a.digit === "7" && s.lit > 40 && s.error === "",
       `uploaded a PGM of a 7: sent as it is, read as ${a ? a.digit : "nothing"}, the 28x28 shown (${s.lit} bright pixels)`);
    const b = records().length;
    await click("#right");
    await page.waitForFunction(() => /marked correct/.test(document.getElementById("status").textContent),
                               null, { timeout: 10000 }).catch(() => {});
    const rs = records().slice(b);
    ok(rs.length === 1 && rs[0][2] === "7", "... Correct stores it (label 7)");
  }

  // Clear resets every message.
  await clear(page);
  await strokeMouse(page, box, digits["7"]);
  await answer(page);
  await click("#right");
  await page.waitForFunction(() => /marked correct/.test(document.getElementById("status").textContent),
                             null, { timeout: 10000 }).catch(() => {});
  const thanked = /marked correct/.test(await page.textContent("#status"));
  await page.keyboard.press("Escape");
  s = await state();
  ok(thanked && s.status === "" && s.error === "",
     `Escape after "marked correct": every message gone (${JSON.stringify(s)})`);

  // A label can be taken back in its window, and changed before it is sent.
  await clear(page);
  await strokeMouse(page, box, digits["4"]);
  await answer(page);
  let b = records().length;
  await click("#wrong");
  await click('#pick button[data-digit="2"]');
  const undoShown = await page.isVisible("#takeback");
  await click("#takeback");
  s = await state();
  ok(undoShown && /Not saved/.test(s.status) && s.canAnswer,
     `Incorrect, 2, Undo: not saved, the verdict can be given again ("${s.status}")`);
  await click("#wrong");
  await click('#pick button[data-digit="8"]');
  await click('#pick button[data-digit="9"]');
  await page.waitForFunction(() => /saved as a 9/.test(document.getElementById("status").textContent),
                             null, { timeout: 10000 }).catch(() => {});
  let rs = records().slice(b);
  /* The 2 taken back would have been sent before the 9: had it been,
   * it would be here by now. */
  ok(rs.length === 1 && rs[0][2] === "9" && rs[0][3] === "4",
     `... then 8, then 9 before it was sent: one record, label 9, none for 2 or 8 (${JSON.stringify(rs.map((r) => r[2]))})`);

  // Typing a digit picks it.
  await clear(page);
  await strokeMouse(page, box, digits["1"]);
  await answer(page);
  b = records().length;
  await click("#wrong");
  await page.keyboard.press("6");
  const pressed = await page.evaluate(() => (document.querySelector('#pick button[aria-pressed="true"]') || {}).textContent);
  await page.waitForFunction(() => /saved as a 6/.test(document.getElementById("status").textContent),
                             null, { timeout: 10000 }).catch(() => {});
  rs = records().slice(b);
  ok(pressed === "6" && rs.length === 1 && rs[0][2] === "6" && rs[0][3] === "1",
     `Incorrect, then typing 6: label 6 picked and stored (${JSON.stringify(rs.map((r) => r[2]))})`);

  // A save that fails: the error alone, no question left hanging.
  await clear(page);
  await strokeMouse(page, box, digits["0"]);
  await answer(page);
  await page.route("**/corrections*", (r) => r.fulfill({
    status: 507, contentType: "application/json", body: '{"error":"the store is full"}' }));
  await click("#wrong");
  await click('#pick button[data-digit="5"]');
  await page.waitForFunction(() => /Could not save/.test(document.getElementById("error").textContent),
                             null, { timeout: 10000 }).catch(() => {});
  s = await state();
  ok(/Could not save: the store is full/.test(s.error) && !/Which digit/.test(s.status) && s.canAnswer,
     `a failed save: the error, and no "Which digit is it?" (${JSON.stringify(s)})`);
  await page.unroute("**/corrections*");
  await page.keyboard.press("Escape");
  s = await state();
  ok(s.status === "" && s.error === "", "... Escape clears the error too");

  // The pen width.
  const inkWith = async (width) => {
    await clear(page);
    await page.selectOption("#pen", width, soft).catch(() => {});
    await strokeMouse(page, box, [[[140, 60], [140, 220]]]);
    return padInk(page, false);
  };
  const thin = await inkWith("12"), thick = await inkWith("34");
  ok(thick > 2 * thin && thin > 500, `the pen width: thick draws ${thick} px of ink, thin ${thin}`);
  await page.selectOption("#pen", "22", soft).catch(() => {});

  // A transparent PNG in dark mode: on white, and read.
  await page.emulateMedia({ colorScheme: "dark" });
  await clear(page);
  await page.evaluate(async () => {
    const c = document.createElement("canvas"); c.width = 100; c.height = 100;
    const g = c.getContext("2d");
    g.strokeStyle = "#000"; g.lineWidth = 9; g.lineCap = "round";
    g.beginPath(); g.moveTo(52, 12); g.lineTo(48, 88); g.stroke();
    const blob = await new Promise((r) => c.toBlob(r, "image/png"));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], "one.png", { type: "image/png" }));
    document.getElementById("pad").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true }));
  });
  const tr = await answer(page);
  const paper = await page.evaluate(() => Array.from(
    document.getElementById("pad").getContext("2d").getImageData(20, 20, 1, 1).data).slice(0, 3));
  ok(tr && tr.digit === "1" && paper.every((v) => v > 240),
     `dark mode, a black 1 on a transparent PNG: shown on white (${paper}), read as ${tr ? tr.digit : "nothing"}`);
  await page.screenshot({ path: path.join(shots, "page-transparent-dark.png") });
  ok(errors.length === 0, "no script errors" + (errors.length ? ": " + errors.join("; ") : ""));
  await ctx.close();
}

// The page with JavaScript off: a plain form uploads the picture, the
// server answers a page with the digit, its bars and the verdict buttons,
// and a verdict button stores the record.
async function noScript(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 }, javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(base);
  const form = page.locator("form#plain");
  const visible = await form.isVisible().catch(() => false);
  ok(visible && !(await page.locator("#pad").isVisible()),
     "scripts off: the page offers a plain upload form instead of the canvas");
  await page.screenshot({ path: path.join(shots, "page-noscript.png") });
  if (!visible) { await ctx.close(); return; }
  await page.setInputFiles('form#plain input[type="file"]', png);
  await Promise.all([page.waitForURL(/\/predict$/), page.click('form#plain button[type="submit"]')]);
  const res = await page.evaluate(() => ({
    answer: (document.getElementById("answer") || {}).textContent,
    bars: document.querySelectorAll("li .fill").length,
    caption: (document.querySelector("figcaption") || {}).textContent || "",
    img: (() => { const i = document.querySelector("figure img"); return i ? i.naturalWidth : 0; })(),
  }));
  ok(res.answer === "7" && res.bars === 10 && /what the network saw/.test(res.caption) && res.img === 28,
     `scripts off, a PNG of a 7 uploaded: a result page, 7 with ten bars and the 28x28 (${JSON.stringify(res)})`);
  await page.screenshot({ path: path.join(shots, "page-noscript-result.png") });
  const before = records().length;
  await Promise.all([page.waitForURL(/\/corrections\?/), page.click('button:text-is("Correct")')]);
  const said = await page.textContent("#said").catch(() => "");
  const rs = records().slice(before);
  ok(/Thanks: marked correct/.test(said) && rs.length === 1 && rs[0][2] === "7" && rs[0][3] === "7",
     `... Correct, a form button: stored, label 7 ("${said}")`);
  if (process.env.NUMBER_PNG) {
    const want = process.env.NUMBER_TRUTH;
    await page.goto(base);
    await page.setInputFiles('form#plain input[type="file"]', process.env.NUMBER_PNG);
    await Promise.all([page.waitForURL(/\/predict$/), page.click('form#plain button[type="submit"]')]);
    const num = await page.evaluate(() => ({
      answer: (document.getElementById("answer") || {}).textContent,
      cards: Array.from(document.querySelectorAll(".card h2")).map((h) => h.textContent).join(""),
    }));
    ok(num.answer === want && num.cards === want,
       `scripts off, a picture of ${want}: read, one card per digit (${JSON.stringify(num)})`);
    const b = records().length;
    await Promise.all([page.waitForURL(/\/corrections\?/),
                       page.locator(".card").nth(1).locator("button", { hasText: /^0$/ }).click()]);
    const r = records().slice(b);
    ok(r.length === 1 && r[0][2] === "0" && r[0][3] === want[1],
       `... Incorrect on its second digit, "0": stored as label 0, predicted ${want[1]}`);
  }
  await ctx.close();
}

async function phone(browser) {
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await ctx.newPage();
  await page.goto(base);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  ok(width <= 390, `phone: no sideways scrolling (page is ${width} px wide)`);
  const ta = await page.evaluate(() => getComputedStyle(document.getElementById("pad")).touchAction);
  ok(ta === "none", "phone: the canvas has touch-action: none");
  await page.locator("#pad").scrollIntoViewIfNeeded();
  const box = await page.locator("#pad").boundingBox();
  for (const d of ["4", "7"]) {
    await page.goto(base);             /* a fresh page: see page2 below */
    await strokeTouch(ctx, page, box, digits[d]);
    const a = await answer(page);
    ok(a && a.digit === d, `phone: drew a ${d} with a finger: predicted ${a ? a.digit : "nothing"}`);
    ok(barsOk(a), "... ten bars");
    const seen = await page.evaluate(() => ["digit", "conf", "right", "wrong"].map((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return r.bottom <= innerHeight && r.height > 0;
    }));
    ok(seen.every(Boolean), `phone: the answer and Correct/Incorrect are on screen without scrolling (${seen})`);
  }
  const scrolled = await page.evaluate(() => window.scrollY);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(shots, "page-phone-answer.png") });   /* the screen, as seen */
  await page.screenshot({ path: path.join(shots, "page-phone.png"), fullPage: true });

  /* Feedback by finger, on a fresh page: once a CDP session has sent
   * touches, Chromium turns no later tap of Playwright's into a click. */
  const page2 = await ctx.newPage();
  await page2.goto(base);
  await page2.setInputFiles("#file", png);
  const up = await answer(page2);
  ok(up && up.digit === "7", "phone: an uploaded PNG of a 7 reads as 7");
  const before = records().length;
  await page2.locator("#wrong").tap();
  await page2.locator('#pick button[data-digit="9"]').tap();
  await page2.waitForFunction(() => /saved as a 9/.test(document.getElementById("status").textContent),
                              null, { timeout: 10000 }).catch(() => {});
  const recs = records();
  const last = recs[recs.length - 1] || [];
  ok(recs.length === before + 1 && last[2] === "9" && last[3] === "7",
     "phone: tapped Incorrect, then 9: stored (label 9, predicted 7)");
  ok(scrolled === 0, `phone: drawing did not scroll the page (scrollY ${scrolled})`);
  await ctx.close();
}

// The answer as shown: words or digit, the best-guess line, which bars
// are marked, and the bars' numbers.
async function shown(page) {
  return page.evaluate(() => ({
    digit: document.getElementById("digit").textContent,
    guess: (document.getElementById("guess") || {}).textContent || "",
    top: Array.from(document.querySelectorAll("#bars li.top")).length,
    marked: Array.from(document.querySelectorAll("#bars li")).map((e) => e.className),
    bars: Array.from(document.querySelectorAll("#bars li .num")).map((e) => e.textContent),
    canAnswer: !document.getElementById("right").disabled && !document.getElementById("wrong").disabled,
  }));
}

async function feedbackStatus(page, re) {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById("status").textContent),
                             re.source, { timeout: 10000 }).catch(() => {});
  return page.textContent("#status");
}

async function rejectDesktop(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 780 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(base);
  const about = await page.evaluate(() => document.body.innerText);
  ok(/not a digit/i.test(about) && /single handwritten digits/.test(about) && /cannot know/.test(about),
     "the page says what \"not a digit\" means and what the model cannot know");

  // Noise: rejected, in words, with a faint best guess and no bar as the answer.
  await page.setInputFiles("#file", noise1);
  await answer(page);
  const a = await shown(page);
  diag(JSON.stringify(a));
  ok(/does not look like a digit/.test(a.digit), `uploaded noise: "${a.digit}"`);
  const g = /^best guess: (\d), (\d+\.\d)%$/.exec(a.guess);
  ok(g !== null, `... with the best guess faintly ("${a.guess}")`);
  const num = a.bars.map(parseFloat);
  ok(g && num.length === 10 && num.indexOf(Math.max(...num)) === Number(g[1]) &&
     a.bars[g[1]] === g[2] + "%", "... the guess is the highest of the ten bars, same percentage");
  ok(a.top === 0 && a.marked.filter((c) => c === "guess").length === 1 &&
     g && a.marked[g[1]] === "guess", "... no bar marked as the answer, the guess's bar marked faintly");
  ok(num.length === 10 && num.every((v) => v >= 0 && v <= 100), "... ten bars");
  const seen = await page.evaluate(() => {
    const d = document.getElementById("seen").getContext("2d").getImageData(0, 0, 28, 28).data;
    let lit = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 64) lit++;
    return lit;
  });
  ok(seen > 40, `... and shows the 28x28 the model saw (${seen} bright pixels)`);
  ok(a.canAnswer, "... Correct and Incorrect can be pressed");
  await page.waitForTimeout(400);            /* the bars' transition */
  await page.screenshot({ path: path.join(shots, "page-reject.png") });

  // Correct: it is not a digit.
  let before = records().length;
  await page.click("#right");
  let st = await feedbackStatus(page, /marked correct/);
  ok(/marked correct \(not a digit\)/.test(st), `Correct on the reject: confirmed ("${st}")`);
  let recs = records(), last = recs[recs.length - 1] || [];
  ok(recs.length === before + 1 && last[2] === "-" && last[3] === "-",
     `... stored as label -, predicted - (${JSON.stringify(last.slice(2, 4))})`);

  // Incorrect: it is a 3 after all. "Not a digit" is not on offer: that
  // would be Correct.
  await clear(page);
  await page.setInputFiles("#file", noise2);
  await answer(page);
  ok(/does not look like a digit/.test(await page.textContent("#digit")), "a second noise picture: rejected too");
  await page.click("#wrong");
  const offer = await page.evaluate(() => Array.from(document.querySelectorAll("#pick button"))
    .filter((b) => b.offsetParent !== null).map((b) => b.dataset.digit).join(""));
  ok(offer === "0123456789", `... Incorrect offers the ten digits (${offer})`);
  before = records().length;
  await page.click('#pick button[data-digit="3"]');
  st = await feedbackStatus(page, /saved as a 3/);
  ok(/Thanks: saved as a 3/.test(st), `... picked 3: confirmed ("${st}")`);
  recs = records(); last = recs[recs.length - 1] || [];
  ok(recs.length === before + 1 && last[2] === "3" && last[3] === "-",
     `... stored as label 3, predicted - (${JSON.stringify(last.slice(2, 4))})`);

  // A clean digit is read as one; Incorrect then offers "not a digit".
  await clear(page);
  await page.setInputFiles("#file", png);
  await answer(page);
  const d = await shown(page);
  ok(d.digit === "7" && d.guess === "" && d.top === 1, `uploaded a 7: read as ${d.digit}, no best-guess line`);
  await page.click("#wrong");
  const nd = page.locator('#pick button[data-digit="-"]');
  const offered = await nd.isVisible();
  ok(offered && /not a digit/i.test(await nd.textContent()), "... Incorrect offers \"Not a digit\"");
  before = records().length;
  if (offered) await nd.click();
  st = await feedbackStatus(page, /saved as not a digit/);
  ok(/Thanks: saved as not a digit/.test(st), `... picked it: confirmed ("${st}")`);
  recs = records(); last = recs[recs.length - 1] || [];
  ok(recs.length === before + 1 && last[2] === "-" && last[3] === "7",
     `... stored as label -, predicted 7 (${JSON.stringify(last.slice(2, 4))})`);

  await clear(page);
  ok(await page.evaluate(() => document.getElementById("digit").textContent === "?" &&
     document.getElementById("digit").className === "" &&
     !(document.getElementById("guess") || {}).textContent),
     "Clear after a reject: back to the big ?");
  ok(errors.length === 0, "no script errors" + (errors.length ? ": " + errors.join("; ") : ""));
  await ctx.close();
}

async function rejectPhone(browser) {
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    colorScheme: "dark",
  });
  const page = await ctx.newPage();
  await page.goto(base);
  await page.setInputFiles("#file", noise1);
  await answer(page);
  ok(/does not look like a digit/.test(await page.textContent("#digit")), "phone, dark: noise rejected in words");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  ok(width <= 390, `... no sideways scrolling (page is ${width} px wide)`);
  await page.locator("#wrong").tap();
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(shots, "page-reject-phone-dark.png"), fullPage: true });
  await ctx.close();
}

main().catch((e) => { ok(false, "the browser test ran: " + e.message); }).finally(() => {
  console.log(`1..${n}`);
  console.log(lines.join("\n"));
  process.exit(failed ? 1 : 0);
});
