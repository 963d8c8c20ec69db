#!/usr/bin/env node
import { main } from './main.js';
import { processIo, removeTemporaryFilesOnSignals } from './process-io.js';

removeTemporaryFilesOnSignals();
process.exitCode = await main(process.argv.slice(2), processIo());
