import { LrpError } from '../errors.js';
import { type CliIo, OutputClosedError } from './context.js';
import { explainCommand } from './explain-command.js';
import { forwardCommand } from './forward-command.js';
import { demoCommand } from './demo-command.js';
import { infoCommand } from './info-command.js';
import { trainCommand } from './train-command.js';
import { renderCommand } from './render-command.js';

const usage = `lrp — Layer-wise Relevance Propagation

Usage:
  lrp explain --model M --input X [--init R0.npy | --target argmax|CLASS|FILE.npy] [--keep-softmax]
              [--rule SPEC] [--layer-rule I:SPEC]... [--composite NAME] [--formula CODE]
              [--epsilon E] [--beta B] [--aux-layer I] [--method NAME] [--backend js|wasm|auto]
              [--relevance-at I] [--batch-size N] [--progress] [--out R.npy|.mat|.txt] [--dtype f32|f64]
              [--heatmap DIR]
  lrp forward --model M --input X [--drop-softmax] [--out Y.npy]
  lrp info    --model M [--input-shape H,W,C]
  lrp train   (--model INIT.txt | --arch SPEC) --input X --labels Y [--val-input XV --val-labels YV]
              [--batch-size 25] [--iters 10000] [--lrate 0.005] [--decay none|sublinear|linear]
              [--momentum 0] [--status 250] [--convergence -1] [--select loss|accuracy] [--seed 0]
              [--init he|glorot] [--input-shape H,W,C] [--backend js|wasm|auto] --out MODEL.txt
  lrp render  --relevance R.npy [--input X.npy] [--cmap NAME] [--scale K] [--normalize sample|batch]
              [--percentile P] [--reduce sum|mean|maxabs] [--outline] --out FILE.png
  lrp demo    [--out DIR] [--count N] [--backend js|wasm|auto] [--models DIR]

Rule SPECs: simple, epsilon=E, alphabeta=A, alphabeta=A,B, flat, ww, zplus, zbox=LOW,HIGH, gamma=G, pass
Methods: lrp, gradient, gradient-x-input, sensitivity, deconvnet, guided-backprop,
         integrated-gradients (--steps, --baseline), smoothgrad (--samples, --noise, --seed)
Composites: EpsilonPlus, EpsilonPlusFlat, EpsilonGammaBox (--low, --high), EpsilonAlpha2Beta1,
            EpsilonAlpha2Beta1Flat
Formula codes: 0 2 11 26 54 56 58 60 99 100 102 104 166
Architecture SPECs: comma-separated layers, e.g.
  conv5x5x16,relu,maxpool2,conv5x5x32,relu,maxpool2,flatten,linear128,relu,linear10,softmax
`;

const commands: Record<string, (argv: readonly string[], io: CliIo) => Promise<number>> = {
  explain: explainCommand,
  forward: forwardCommand,
  info: infoCommand,
  render: renderCommand,
  demo: demoCommand,
  train: trainCommand,
};

/**
 * Runs the `lrp` command line. Returns the exit status: 0 on success (also when stdout's reader
 * went away, `lrp … | head`), 2 for bad usage or input (one line `lrp: E_CODE where: message` on
 * stderr, never a stack trace), 1 for an internal failure.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      io.out(usage);
      return name === undefined ? 2 : 0;
    }
    const command = commands[name];
    if (!command) throw new LrpError('E_USAGE', `unknown command '${name}' (commands: ${Object.keys(commands).join(', ')})`);
    return await command(rest, io);
  } catch (e) {
    if (e instanceof OutputClosedError) return 0;
    if (e instanceof LrpError) {
      io.err(`lrp: ${e.code} ${e.message}\n`);
      return 2;
    }
    io.err(`lrp: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.LRP_DEBUG) io.err(`${(e as Error)?.stack}\n`);
    return 1;
  }
}
