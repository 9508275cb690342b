import type { BrowserContext, Page } from 'playwright-core';

/**
 * Pages of a browser context, reused from one screenshot to the next. Opening a page costs about as
 * much as the screenshot itself (a measured 0.3 s of the 0.6 s per image on a 2-vCPU machine), so
 * each page serves many; a page that failed is closed, never reused. `fresh` asks for a page that has
 * never shown anything (a retry after a page showed the wrong resource).
 */
export interface PagePool {
  use<T>(f: (page: Page) => Promise<T>, opts?: { fresh?: boolean }): Promise<T>;
}

const pools = new WeakMap<BrowserContext, PagePool>();

/** The page pool of `context` (pages close with the context). */
export function pagesOf(context: BrowserContext): PagePool {
  let pool = pools.get(context);
  if (!pool) {
    pool = createPagePool(context);
    pools.set(context, pool);
  }
  return pool;
}

function createPagePool(context: BrowserContext): PagePool {
  const idle: Page[] = [];
  return {
    async use(f, opts) {
      let page = opts?.fresh ? undefined : idle.pop();
      while (page?.isClosed()) page = idle.pop();
      page ??= await context.newPage();
      try {
        const result = await f(page);
        idle.push(page);
        return result;
      } catch (err) {
        await page.close().catch(() => undefined);
        throw err;
      }
    },
  };
}
