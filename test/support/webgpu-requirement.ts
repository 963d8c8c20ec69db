import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../fixtures.js';
import { chromiumArgs } from './browser-harness.js';
import { type Requirement, chromium, chromiumPath, lazy } from './requirements.js';

/**
 * A WebGPU adapter in headless Chromium launched with `chromiumArgs(true)` (SwiftShader's Vulkan): asked once, by test/support/webgpu-probe.mjs, where Chromium is present.
 */
export const webgpuAdapter: Requirement = lazy('webgpu', () => {
  if (chromium.missing !== undefined) return chromium.missing;
  const probe = join(projectRoot, 'test', 'support', 'webgpu-probe.mjs');
  const r = spawnSync(process.execPath, [probe, chromiumPath, ...chromiumArgs(true)], { encoding: 'utf8', timeout: 120_000 });
  if (r.stdout === 'adapter') return undefined;
  return `headless Chromium has no WebGPU adapter with ${chromiumArgs(true).join(' ')}: ${r.stdout || r.error?.message || `exit ${r.status}`}`;
});
