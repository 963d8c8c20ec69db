/**
 * Offline use (DOM edge): registers the service worker the build writes next to the page
 * (`sw.js`, which caches every file of the build under a versioned cache) and says when the page
 * is ready to work offline. `document.body.dataset.offline` is `ready` then (tests wait for it).
 */

/** Registers `./sw.js`; `say` gets a sentence for the page's status line. */
export async function enableOffline(say: (text: string) => void): Promise<void> {
  if (!('serviceWorker' in navigator)) {
    say('This browser has no service workers: the page needs the network on each visit.');
    return;
  }
  try {
    await navigator.serviceWorker.register('./sw.js');
    await navigator.serviceWorker.ready;
    document.body.dataset.offline = 'ready';
    say('Ready to work offline: every file of this page is cached.');
  } catch (e) {
    say(`Offline use is unavailable here (${e instanceof Error ? e.message : String(e)}).`);
  }
}
