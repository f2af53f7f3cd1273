import path from 'node:path';
import type { NextConfig } from 'next';

const config: NextConfig = {
  // Turbopack must see ../pkg (the linked modash-flow package): root above both.
  turbopack: { root: path.join(__dirname, '..') },
  serverExternalPackages: ['better-sqlite3', 'pg', 'pino'],
  devIndicators: false,
  // Tests and the printed URLs use 127.0.0.1; next dev blocks other origins' HMR by default.
  allowedDevOrigins: ['127.0.0.1'],
};

export default config;
