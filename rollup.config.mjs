import typescript from '@rollup/plugin-typescript';

// Everything the package needs at run time is bundled except its declared dependencies and Node built-ins.
const external = (id) => /^node:/.test(id) || ['fflate', 'pngjs', 'comlink'].some((d) => id === d || id.startsWith(`${d}/`)) || id.startsWith('@tensorflow/');
const ts = () => typescript({ tsconfig: './tsconfig.build.json', module: 'NodeNext', declaration: false, declarationMap: false, sourceMap: true, outDir: undefined, declarationDir: undefined, noEmit: false, emitDeclarationOnly: false });

export default [
  {
    input: { index: 'src/index.ts', png: 'src/render/png.ts', cli: 'src/cli/bin.ts' },
    external,
    plugins: [ts()],
    output: { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
  },
  ...['index', 'png'].map((name) => ({
    input: name === 'index' ? 'src/index.ts' : 'src/render/png.ts',
    external,
    plugins: [ts()],
    output: { file: `dist/${name}.cjs`, format: 'cjs', sourcemap: true, inlineDynamicImports: true, exports: 'named' },
  })),
];
