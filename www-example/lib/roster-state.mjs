// What the roster filters and sorts on, kept where SQL can see it: per influencer platform, the
// last refresh (epoch ms, null: never), the followers, and whether the influencer's notes can
// be read. The module computes them from notes (notesEntry, analyticsProgress: the same rules
// as the badges); every writer of notes calls `writeRosterState` in the same transaction, and
// `backfillRosterState` fills rows whose state was never written (older stores, the seed) once.
// The module is passed in (`mf`): the routes hand theirs (`modash-flow/server`), the scripts
// the Node build. ARCHITECTURE.md says why columns rather than a filter in the browser.

/** The columns of one platform from the influencer's notes text. */
export function rosterState(mf, notesText, platform) {
  const progress = mf.analyticsProgress(notesText, [platform]);
  const unreadable = progress.problem !== null;
  const entry = unreadable ? null : mf.notesEntry(notesText, platform);
  return {
    notes_readable: unreadable ? 0 : 1,
    last_refreshed: progress.platforms[0]?.lastRefreshed ?? null,
    followers: entry?.followers ?? null,
  };
}

/** Writes the state of every platform of influencer `id` from `notesText` (inside the caller's transaction). */
export async function writeRosterState(db, mf, id, notesText) {
  const platforms = await db.selectFrom('influencer_platforms').select(['id', 'platform']).where('influencer_id', '=', id).execute();
  for (const p of platforms) {
    await db
      .updateTable('influencer_platforms')
      .set(rosterState(mf, notesText, p.platform))
      .where('id', '=', p.id)
      .execute();
  }
}

/** Fills the state of rows never written (notes_readable null), a batch at a time. Returns the rows filled. */
export async function backfillRosterState(store, mf, batch = 500) {
  let filled = 0;
  for (;;) {
    const ids = await store.db.selectFrom('influencer_platforms').select('influencer_id').distinct().where('notes_readable', 'is', null).limit(batch).execute();
    if (!ids.length) return filled;
    await store.tx(async (db) => {
      const rows = await db
        .selectFrom('influencers')
        .select(['id', store.notesText.as('notes')])
        .where(
          'id',
          'in',
          ids.map((r) => r.influencer_id),
        )
        .execute();
      for (const r of rows) await writeRosterState(db, mf, r.id, r.notes);
    });
    filled += ids.length;
  }
}
