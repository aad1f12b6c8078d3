// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) next to every stylesheet,
// script and wasm file in the given directory: the server sends these as they are instead of
// compressing the browser code itself after every start (about 3 s of one core).
// Usage: node scripts/precompress.mjs <dir>
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/precompress.mjs <dir>");
  process.exit(2);
}
for (const name of readdirSync(dir)) {
  if (!/\.(css|js|wasm)$/.test(name)) continue;
  const raw = readFileSync(join(dir, name));
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 22,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  writeFileSync(join(dir, `${name}.br`), br);
  writeFileSync(join(dir, `${name}.gz`), gzipSync(raw, { level: 9 }));
}
