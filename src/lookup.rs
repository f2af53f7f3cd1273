//! Which account a username search means. Modash's `/users?query=…` is a search, not an exact
//! lookup: for `anna.b` it may list `anna.b.official` first. Only an account whose username
//! equals the one asked for is taken; otherwise none, with the closest usernames seen so the
//! app can say what Modash offered instead.

/// One account of a search answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate<'a> {
    pub user_id: &'a str,
    pub username: &'a str,
}

/// The verdict on a search answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Pick {
    /// `candidates[index]` has exactly the username asked for.
    Exact { index: usize },
    /// None has it (`no-exact-match`): the usernames seen, closest first (at most 5).
    NoExactMatch { closest: Vec<String> },
}

/// How many usernames a `NoExactMatch` lists.
pub const CLOSEST_LISTED: usize = 5;

/// A username as compared: surrounding blanks and one leading `@` dropped, ASCII letters in
/// lower case. Other letters compare exactly (never a false match: at worst "no exact match").
pub fn normalize_username(s: &str) -> String {
    let t = s.trim();
    let t = t.strip_prefix('@').unwrap_or(t).trim_start();
    t.to_ascii_lowercase()
}

/// Levenshtein distance over bytes, bounded to keep a hostile answer cheap (texts are cut
/// at 64 bytes: usernames are at most 30 on Instagram, 24 on TikTok, 30 on YouTube).
fn distance(a: &[u8], b: &[u8]) -> usize {
    let (a, b) = (&a[..a.len().min(64)], &b[..b.len().min(64)]);
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// `needle` occurs in `hay` (a plain window scan: `str::contains`' two-way searcher is
/// kilobytes of wasm for names of a few dozen bytes).
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// Picks the account whose username equals `username` (after [`normalize_username`] on
/// both sides); the first such one if the answer lists several. Candidates with an empty
/// userId never match.
pub fn pick_exact(candidates: &[Candidate<'_>], username: &str) -> Pick {
    let wanted = normalize_username(username);
    if !wanted.is_empty() {
        if let Some(index) = candidates.iter().position(|c| !c.user_id.trim().is_empty() && normalize_username(c.username) == wanted) {
            return Pick::Exact { index };
        }
    }
    // The closest few, kept in order as they come (no sort: its code would ship to every
    // browser): names that contain the one asked for first, then by edit distance; Modash's
    // own order (most followers first) breaks ties, since a later candidate never passes an
    // equal one.
    let mut best: Vec<((bool, usize), String)> = Vec::with_capacity(CLOSEST_LISTED + 1);
    for c in candidates {
        let name = normalize_username(c.username);
        if name.is_empty() || best.iter().any(|(_, n)| *n == name) {
            continue;
        }
        let rank = (!contains(name.as_bytes(), wanted.as_bytes()), distance(name.as_bytes(), wanted.as_bytes()));
        let at = best.iter().position(|(r, _)| rank < *r).unwrap_or(best.len());
        if at < CLOSEST_LISTED {
            best.insert(at, (rank, name));
            best.truncate(CLOSEST_LISTED);
        }
    }
    Pick::NoExactMatch { closest: best.into_iter().map(|(_, n)| n).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The edit distance itself (the "closest" list only shows its order).
    #[test]
    fn edit_distance() {
        for (a, b, d) in
            [("kitten", "sitting", 3), ("", "abc", 3), ("ab", "", 2), ("flaw", "lawn", 2), ("abc", "abc", 0), ("abc", "abd", 1), ("abc", "xabc", 1)]
        {
            assert_eq!(distance(a.as_bytes(), b.as_bytes()), d, "{a} {b}");
            assert_eq!(distance(b.as_bytes(), a.as_bytes()), d, "{b} {a}");
        }
    }
    use proptest::prelude::*;

    fn c<'a>(user_id: &'a str, username: &'a str) -> Candidate<'a> {
        Candidate { user_id, username }
    }

    #[test]
    fn a_look_alike_listed_first_is_not_taken() {
        let answer = [c("1", "anna.b.official"), c("2", "anna.b"), c("3", "anna.bee")];
        assert_eq!(pick_exact(&answer, "anna.b"), Pick::Exact { index: 1 });
        assert_eq!(pick_exact(&answer, "  @Anna.B "), Pick::Exact { index: 1 }, "case, @ and blanks ignored");
        assert_eq!(pick_exact(&[c("1", "@ANNA.B")], "anna.b"), Pick::Exact { index: 0 });
    }

    #[test]
    fn equally_close_look_alikes_keep_modash_order() {
        // Both contain the name, both two edits away: the one Modash listed first (more
        // followers) stays first (mutation testing found nothing held this).
        let answer = [c("1", "anna.b_x"), c("2", "anna.b_y")];
        assert_eq!(pick_exact(&answer, "anna.b"), Pick::NoExactMatch { closest: vec!["anna.b_x".into(), "anna.b_y".into()] });
    }

    #[test]
    fn no_exact_match_lists_the_closest() {
        let answer = [c("1", "anna.b.official"), c("3", "anna.bee"), c("4", "zz_top"), c("5", "anna.bee")];
        assert_eq!(pick_exact(&answer, "anna.b"), Pick::NoExactMatch { closest: vec!["anna.bee".into(), "anna.b.official".into(), "zz_top".into()] });
        assert_eq!(pick_exact(&[], "anna.b"), Pick::NoExactMatch { closest: vec![] });
        assert_eq!(pick_exact(&[c("", "anna.b")], "anna.b"), Pick::NoExactMatch { closest: vec!["anna.b".into()] }, "no id, no match");
        assert_eq!(pick_exact(&[c("1", "")], ""), Pick::NoExactMatch { closest: vec![] }, "an empty name matches nothing");
        assert_eq!(pick_exact(&[c("1", "@")], "@"), Pick::NoExactMatch { closest: vec![] });
    }

    #[test]
    fn non_ascii_letters_compare_exactly() {
        assert_eq!(pick_exact(&[c("1", "zoé")], "ZOÉ"), Pick::NoExactMatch { closest: vec!["zoé".into()] });
        assert_eq!(pick_exact(&[c("1", "zoé")], "Zoé"), Pick::Exact { index: 0 });
    }

    proptest! {
        /// An exact pick always names a candidate equal to the query; otherwise no candidate
        /// with an id equals it, and at most five distinct names are listed.
        #[test]
        fn picks_only_equal_names(names in proptest::collection::vec("@?[a-cA-C._]{0,6}", 0..8), ids in proptest::collection::vec("[0-9]{0,3}", 8), query in "[ @]?[a-cA-C._]{0,6} ?") {
            let cands: Vec<Candidate> = names.iter().zip(&ids).map(|(n, i)| c(i, n)).collect();
            match pick_exact(&cands, &query) {
                Pick::Exact { index } => {
                    prop_assert_eq!(normalize_username(cands[index].username), normalize_username(&query));
                    prop_assert!(!cands[index].user_id.is_empty());
                    prop_assert!(cands[..index].iter().all(|x| x.user_id.trim().is_empty() || normalize_username(x.username) != normalize_username(&query)));
                }
                Pick::NoExactMatch { closest } => {
                    let q = normalize_username(&query);
                    prop_assert!(q.is_empty() || cands.iter().all(|x| x.user_id.trim().is_empty() || normalize_username(x.username) != q));
                    prop_assert!(closest.len() <= CLOSEST_LISTED);
                    let mut dedup = closest.clone();
                    dedup.dedup();
                    prop_assert_eq!(dedup.len(), closest.len());
                }
            }
        }
    }
}
