/**
 * Debian's Chromium driven by playwright-core, the way the field notes say it must run here:
 * headless, no sandbox, no GPU, every background-network feature off (or it floods a closed network),
 * a fresh empty profile folder per launch.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'hark-chromium-'));
  // launchPersistentContext is how a user-data-dir is given to playwright.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where the tests save screenshots (dist/, not committed). */
export function artifactsDir(): string {
  const dir = fileURLToPath(new URL('../../artifacts/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}

export type { Browser };
