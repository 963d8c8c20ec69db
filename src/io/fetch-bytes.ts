import { LrpError } from '../errors.js';

/** Reads a fetched body, refusing it (`E_RANGE`) once it passes `cap` bytes. */
export async function responseBytes(res: Response, cap: number, where: string): Promise<Uint8Array> {
  const tooBig = (what: string): LrpError => new LrpError('E_RANGE', `${what}, over the input size cap of ${cap} bytes`, where);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > cap) throw tooBig(`the response declares ${declared} bytes`);
  if (!res.body) {
    const whole = new Uint8Array(await res.arrayBuffer());
    if (whole.length > cap) throw tooBig(`${whole.length} bytes arrived`);
    return whole;
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > cap) {
      await reader.cancel().catch(() => undefined);
      throw tooBig(`more than ${cap} bytes arrived`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) (out.set(c, at), (at += c.length));
  return out;
}

/** Fetches `url` (at most `cap` bytes); a network failure or an HTTP error status is `E_IO` naming the URL. */
export async function fetchBytes(url: URL, cap: number): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new LrpError('E_IO', `cannot fetch: ${(e as Error).message}`, url.href);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new LrpError('E_IO', `fetch failed with HTTP ${res.status}`, url.href);
  }
  return responseBytes(res, cap, url.href);
}
