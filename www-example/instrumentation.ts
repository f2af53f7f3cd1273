// Next.js calls register() once per server instance and runtime. The start-up work (the
// configuration, the migrations) is Node.js-only: Next's own documented NEXT_RUNTIME switch,
// the one environment read outside lib/config.mjs and next.config.ts, keeps it out of the
// edge bundle.
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./instrumentation-node');
}
