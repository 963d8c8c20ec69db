// The README's picture of the demo page, docs/web-demo.png, from the screenshot the browser test
// saves (test-output/web/1-drawn.png, after `npx vitest run test/web-demo.test.ts`): the top
// 1200 × 1100 pixels, near-grey pixels made grey and every channel rounded to 16 levels, so the PNG
// stays under 150 kB. Usage: node scripts/web-demo-screenshot.mjs [FROM.png] [TO.png]
import { readFileSync, writeFileSync } from 'node:fs';
import pngjs from 'pngjs';

const root = new URL('..', import.meta.url);
const from = process.argv[2] ?? new URL('test-output/web/1-drawn.png', root);
const to = process.argv[3] ?? new URL('docs/web-demo.png', root);
const src = pngjs.PNG.sync.read(readFileSync(from));
const [width, height] = [Math.min(1200, src.width), Math.min(1100, src.height)];
const out = new pngjs.PNG({ width, height, colorType: 2 });
const level = (v) => Math.min(255, Math.round(v / 17) * 17);
for (let y = 0; y < height; y++) {
  for (let x = 0; x < width; x++) {
    const [i, o] = [(y * src.width + x) * 4, (y * width + x) * 4];
    let [r, g, b] = [src.data[i], src.data[i + 1], src.data[i + 2]];
    if (Math.max(r, g, b) - Math.min(r, g, b) < 12) r = g = b = Math.round((r + g + b) / 3);
    [out.data[o], out.data[o + 1], out.data[o + 2], out.data[o + 3]] = [level(r), level(g), level(b), 255];
  }
}
const png = pngjs.PNG.sync.write(out, { colorType: 2, deflateLevel: 9 });
writeFileSync(to, png);
console.log(`${String(to)}: ${width} x ${height}, ${png.length.toLocaleString('en')} bytes`);
