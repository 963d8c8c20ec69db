/**
 * Canny edge detection as scikit-image's `skimage.feature.canny` (0.19) computes it for a float
 * image, which render.py's `hm_to_rgb` uses (σ = 2) to outline the input on the heatmap:
 *
 * 1. Gaussian smoothing with zero padding, divided by the smoothed all-ones mask (so the border is
 *    not darkened);
 * 2. scipy Sobel gradients along rows and columns, magnitude `hypot`;
 * 3. non-maximum suppression with bilinear interpolation between the two neighbours along the
 *    gradient, in skimage's four direction sectors (later sectors win on their shared boundary);
 *    the one-pixel image border is never an edge;
 * 4. hysteresis: keep the 8-connected components of local maxima with magnitude ≥ `low` that hold
 *    a pixel with magnitude ≥ `high` (skimage's defaults for float images: 0.1 and 0.2).
 */
import { LrpError } from '../errors.js';
import { gaussianFilter, type Plane, sobel } from './filters.js';

/** Options of {@link canny}. */
export interface CannyOptions {
  /** Gaussian standard deviation (render.py passes 2; skimage's default is 1). */
  sigma?: number;
  /** Hysteresis low threshold on the gradient magnitude (default 0.1). */
  low?: number;
  /** Hysteresis high threshold on the gradient magnitude (default 0.2). */
  high?: number;
}

const EPS = 2.220446049250313e-16; // np.finfo(float).eps

/** Gradient planes of the smoothed image. */
interface Gradients {
  rows: Float64Array; // isobel: derivative along axis 0
  cols: Float64Array; // jsobel: derivative along axis 1
  magnitude: Float64Array;
}

function gradients(image: Plane, sigma: number): Gradients {
  const { height, width } = image;
  const ones: Plane = { height, width, data: new Float64Array(height * width).fill(1) };
  const bleed = gaussianFilter(ones, sigma, 'constant').data;
  const smoothed = gaussianFilter(image, sigma, 'constant').data;
  for (let i = 0; i < smoothed.length; i++) smoothed[i] = smoothed[i]! / (bleed[i]! + EPS);
  const plane: Plane = { height, width, data: smoothed };
  const rows = sobel(plane, 0).data;
  const cols = sobel(plane, 1).data;
  const magnitude = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) magnitude[i] = Math.hypot(rows[i]!, cols[i]!);
  return { rows, cols, magnitude };
}

/** Local maxima of the gradient magnitude along the gradient direction (skimage `_get_local_maxima`). */
function localMaxima(g: Gradients, height: number, width: number): Uint8Array {
  const { rows, cols, magnitude: mag } = g;
  const out = new Uint8Array(height * width);
  const at = (y: number, x: number): number => mag[y * width + x]!;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const m = mag[i]!;
      if (!(m > 0)) continue;
      const gi = rows[i]!;
      const gj = cols[i]!;
      const ai = Math.abs(gi);
      const aj = Math.abs(gj);
      const diagonal = (gi >= 0 && gj >= 0) || (gi <= 0 && gj <= 0);
      const anti = (gi <= 0 && gj >= 0) || (gi >= 0 && gj <= 0);
      const keep = (w: number, a1: number, a2: number, b1: number, b2: number): number =>
        a2 * w + a1 * (1 - w) <= m && b2 * w + b1 * (1 - w) <= m ? 1 : 0;
      if (diagonal && ai >= aj) out[i] = keep(aj / ai, at(y + 1, x), at(y + 1, x + 1), at(y - 1, x), at(y - 1, x - 1));
      if (diagonal && ai <= aj) out[i] = keep(ai / aj, at(y, x + 1), at(y + 1, x + 1), at(y, x - 1), at(y - 1, x - 1));
      if (anti && ai <= aj) out[i] = keep(ai / aj, at(y, x + 1), at(y - 1, x + 1), at(y, x - 1), at(y + 1, x - 1));
      if (anti && ai >= aj) out[i] = keep(aj / ai, at(y - 1, x), at(y - 1, x + 1), at(y + 1, x), at(y + 1, x - 1));
    }
  }
  return out;
}

/** Keeps the 8-connected components of `candidate` that contain a `strong` pixel. */
function hysteresis(candidate: Uint8Array, strong: Uint8Array, height: number, width: number): Uint8Array {
  const out = new Uint8Array(candidate.length);
  const stack: number[] = [];
  for (let i = 0; i < strong.length; i++) {
    if (!strong[i] || out[i]) continue;
    out[i] = 1;
    stack.push(i);
    while (stack.length) {
      const p = stack.pop()!;
      const py = Math.floor(p / width);
      const px = p - py * width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const y = py + dy;
          const x = px + dx;
          if (y < 0 || y >= height || x < 0 || x >= width) continue;
          const q = y * width + x;
          if (candidate[q] && !out[q]) {
            out[q] = 1;
            stack.push(q);
          }
        }
      }
    }
  }
  return out;
}

/**
 * Binary edge map (1 = edge) of a float image, row-major `height · width`.
 * @throws LrpError `E_USAGE` for a sigma that is not a positive number.
 */
export function canny(image: Plane, options: CannyOptions = {}): Uint8Array {
  const { height, width } = image;
  const sigma = options.sigma ?? 1;
  const low = options.low ?? 0.1;
  const high = options.high ?? 0.2;
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new LrpError('E_USAGE', `canny sigma must be a positive number, got ${sigma}`, 'render');
  const g = gradients(image, sigma);
  const maxima = localMaxima(g, height, width);
  const candidate = new Uint8Array(maxima.length);
  const strong = new Uint8Array(maxima.length);
  for (let i = 0; i < maxima.length; i++) {
    candidate[i] = maxima[i] && g.magnitude[i]! >= low ? 1 : 0;
    strong[i] = candidate[i] && g.magnitude[i]! >= high ? 1 : 0;
  }
  return hysteresis(candidate, strong, height, width);
}
