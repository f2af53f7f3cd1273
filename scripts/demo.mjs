// A small tour of the module on sample notes (the README's main command runs it until the
// example app lands). Uses the optimised Node build in pkg-node/.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const mf = require('../pkg-node/modash_flow.js');

const now = Date.now();
const hoursAgo = (h) => new Date(now - h * 3600e3).toISOString();
const influencers = [
  { name: 'Ana (per-platform ids)', platforms: ['instagram', 'tiktok'], notes: { modash_data: { platforms: {
    instagram: { userId: '173560420', last_refreshed: hoursAgo(2) }, tiktok: { userId: '6800000000000000001', last_refreshed: hoursAgo(30) } } } } },
  { name: 'Ben (legacy Instagram id)', platforms: ['ig'], notes: JSON.stringify({ modash_data: { userId: 25025320, last_refreshed: hoursAgo(5) } }) },
  { name: 'Cleo (legacy TikTok id: the trap)', platforms: ['instagram', 'tiktok'], notes: { modash_data: { userId: '7000000000000000001', platform: 'tiktok' } } },
  { name: 'Dev (malformed notes)', platforms: ['youtube'], notes: '{"modash_data": {' },
];

const { config, warnings } = mf.ttlConfigFromEnv();
console.log('TTL config (ms):', JSON.stringify(config), warnings.length ? `warnings: ${warnings.join('; ')}` : '');
const badges = mf.analyticsProgressBatch(influencers, { ttl: config });
influencers.forEach((inf, i) => {
  console.log(`\n${inf.name}: badge ${badges[i].label} — ${badges[i].tooltip}${badges[i].problem ? ` [${badges[i].problem}]` : ''}`);
  for (const platform of inf.platforms) {
    const r = mf.resolveUserId(inf.notes, platform);
    const rej = r.rejectedLegacy ? `; refused legacy ${r.rejectedLegacy.userId} (${r.rejectedLegacy.reason})` : '';
    console.log(`  ${r.platform}: userId ${r.userId ?? '—'} from ${r.source}${r.needsMigration ? ' (migrate it)' : ''}${rej}`);
  }
});
const merged = mergeDemo();
console.log(`\nmergeAnalytics on Ben's text notes: stored userId ${merged.userIdStored}, migratedLegacy ${merged.migratedLegacy}, ` +
  `dropped ${merged.droppedPayloadBytes} payload bytes, warnings [${merged.warnings}]\n  ${merged.notes}`);
console.log('\ncacheAgeLabel long/de:', mf.cacheAgeLabel(hoursAgo(26), { style: 'long', locale: 'de' }));
function mergeDemo() {
  const notes = JSON.stringify({ crm: { owner: 'sam' }, modash_data: { userId: 25025320, cached_payload: { profile: { followers: 1 }, posts: ['…'] } } });
  return mf.mergeAnalytics(notes, 'instagram', { userId: 25025320, username: 'ben', followers: 48210 }, { refreshedBy: 'demo' });
}
try {
  mf.normalizePlatform('myspace');
} catch (e) {
  console.log(`normalizePlatform('myspace') throws ${e.code}: ${e.message}`);
}
