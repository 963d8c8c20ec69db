// Node / Deno smoke run: the built package explains the smoke case and prints the result as JSON.
import * as lib from '../../dist/index.js';
import { smokeCase } from './case.mjs';

console.log(JSON.stringify(await smokeCase(lib)));
