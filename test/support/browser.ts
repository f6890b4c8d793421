/**
 * A headless Chromium for browser tests that needs nothing but `npm install`: the browser binary
 * ships inside the @sparticuz/chromium npm package (brotli-compressed), so no system package and
 * no download at install time. It is unpacked once per checkout into node_modules/.cache (not the
 * shared /tmp the package defaults to, where concurrent checkouts would race), atomically: into a
 * temporary sibling, then renamed. CHROMIUM_PATH overrides it with a browser of your own.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from './cli.js';

const PACKAGE = '@sparticuz/chromium';

/**
 * The package's own fonts.conf names AWS Lambda's folders (/var/task/fonts, /tmp/fonts), so the
 * browser would find no font and draw no text at all; ours names the fonts it unpacked.
 */
function fontsConf(dir: string): string {
  const file = join(dir, 'wafersim-fonts.conf');
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`);
    renameSync(tmp, file);
  }
  return file;
}

async function unpackedChromium(): Promise<{ executable: string; fonts?: string }> {
  if (process.env.CHROMIUM_PATH) return { executable: process.env.CHROMIUM_PATH };
  const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', PACKAGE, 'package.json'), 'utf8')) as { version: string };
  const cacheRoot = join(ROOT, 'node_modules', '.cache', 'wafersim-chromium');
  const dir = join(cacheRoot, version);
  if (!existsSync(join(dir, 'chromium'))) {
    mkdirSync(cacheRoot, { recursive: true });
    const staging = mkdtempSync(join(cacheRoot, `.${version}-`));
    // The package unpacks into os.tmpdir(), which reads TMPDIR on every call.
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = staging;
    try {
      const { default: Chromium } = await import(PACKAGE);
      await Chromium.executablePath();
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another test process unpacked it first: keep theirs.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(join(dir, 'chromium'))) throw error;
    }
  }
  return { executable: join(dir, 'chromium'), fonts: fontsConf(dir) };
}

/**
 * Launch it. Deliberately without --disable-web-security (the package's own flag list has it),
 * which would hide file:// and CORS faults in the reports under test.
 */
export async function launchChromium(): Promise<Browser> {
  const { executable, fonts } = await unpackedChromium();
  return chromium.launch({
    executablePath: executable,
    args: ['--no-sandbox', '--no-zygote', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    env: fonts ? { ...process.env, FONTCONFIG_FILE: fonts } : process.env,
  });
}
