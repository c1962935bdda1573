// Bundles the three entry points; type checking is `npm run typecheck` (esbuild does not type-check).
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const entries = {
  extension: 'src/vscode/extension.ts',
  cli: 'src/cli/main.ts',
  debugAdapter: 'src/debug/debugAdapter.ts',
};

async function main() {
  const fs = require('fs');
  const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, file]) => fs.existsSync(file)));
  const ctx = await esbuild.context({
    entryPoints,
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: !production,
    minify: production,
    // dockerode's ssh2 transport pulls optional native modules; they are only needed for ssh:// engines.
    external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
    logLevel: 'warning',
  });
  if (watch) {
    await ctx.watch();
  } else {
    await ctx.rebuild();
    await ctx.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
