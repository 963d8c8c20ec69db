import { batchCommand, batchSpec } from './batch-command.js';
import type { Command, CommandSpec } from './command-spec.js';
import { demoCommand, demoSpec } from './demo-command.js';
import { explainCommand, explainSpec } from './explain-command.js';
import { forwardCommand, forwardSpec } from './forward-command.js';
import { infoCommand, infoSpec } from './info-command.js';
import { renderCommand, renderSpec } from './render-command.js';
import { trainCommand, trainSpec } from './train-command.js';
import { workerCommand, workerSpec } from './worker-command.js';

/** Every `lrp` command, in the order help and the README list them. */
export const commands: readonly Command[] = [
  { spec: batchSpec, run: batchCommand },
  { spec: demoSpec, run: demoCommand },
  { spec: explainSpec, run: explainCommand },
  { spec: forwardSpec, run: forwardCommand },
  { spec: infoSpec, run: infoCommand },
  { spec: renderSpec, run: renderCommand },
  { spec: trainSpec, run: trainCommand },
  { spec: workerSpec, run: workerCommand },
];

/** The specs of {@link commands}. */
export const commandSpecs: readonly CommandSpec[] = commands.map((c) => c.spec);
