// Node / Deno: the worker-pool case on the built package, printed as JSON.
import * as lib from '../../dist/index.js';
import { poolCase } from './pool-case.mjs';

console.log(JSON.stringify(await poolCase(lib)));
