import path from 'node:path';
import type { NextConfig } from 'next';

const config: NextConfig = {
  // Turbopack must see ../pkg (the linked modash-flow package): root above both.
  turbopack: { root: path.join(__dirname, '..') },
  serverExternalPackages: ['better-sqlite3'],
  devIndicators: false,
};

export default config;
