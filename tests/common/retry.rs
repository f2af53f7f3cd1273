//! Retry suite (filled by the retry issue).
