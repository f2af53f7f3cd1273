//! A small strict JSON reader (RFC 8259) that validates everything it passes over but builds
//! values only where the caller asks for them. Skipping is iterative, so nesting depth costs
//! heap beyond 64 levels (one byte a level), never stack: 100,000 opening brackets are a clean error, not a crash.
//!
//! Accepted exactly as `JSON.parse` accepts, except that a byte-order mark is rejected too and
//! a lone surrogate escape (`"\uD800"`) decodes to U+FFFD where a value is built.

use std::borrow::Cow;
use std::fmt;

/// A JSON (or JS) leaf value as the flow's readers find it: only what the rules need to tell
/// apart. Below every reader (`notes`, `time`), so none of them reaches up for it.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Leaf<'a> {
    /// The key is not there (or `undefined`).
    #[default]
    Missing,
    Null,
    Bool(bool),
    /// A JSON or JS number (may be non-finite in text: `1e400` reads as infinity).
    Number(f64),
    /// Borrowed from the text or the collected strings where it can be (no allocation).
    Str(Cow<'a, str>),
    /// A JS `Date`, as epoch milliseconds (NaN for an invalid date).
    Date(f64),
    /// Anything else: an object, array, bigint, symbol or function.
    Other,
}

impl Leaf<'_> {
    /// The same leaf, owning its string.
    pub fn into_owned(self) -> Leaf<'static> {
        match self {
            Leaf::Missing => Leaf::Missing,
            Leaf::Null => Leaf::Null,
            Leaf::Bool(b) => Leaf::Bool(b),
            Leaf::Number(n) => Leaf::Number(n),
            Leaf::Str(s) => Leaf::Str(Cow::Owned(s.into_owned())),
            Leaf::Date(t) => Leaf::Date(t),
            Leaf::Other => Leaf::Other,
        }
    }

    /// True for `Missing` and `Null`.
    pub fn is_absent(&self) -> bool {
        matches!(self, Leaf::Missing | Leaf::Null)
    }
}

/// Where and why the text is not JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was expected or found.
    pub what: &'static str,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.what, self.offset)
    }
}

/// A scalar read from JSON, or the fact that a container stood there.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    /// The number's text exactly as written.
    Number(&'a str),
    String(Cow<'a, str>),
    /// An object or array (validated and skipped).
    Container,
}

/// A cursor over JSON text.
pub struct Parser<'a> {
    /// The input when it is known to be UTF-8 (`None`: bytes, checked as they are read).
    text: Option<&'a str>,
    bytes: &'a [u8],
    /// Current byte offset.
    pub pos: usize,
}

impl<'a> Parser<'a> {
    pub fn new(text: &'a str) -> Self {
        Parser { text: Some(text), bytes: text.as_bytes(), pos: 0 }
    }

    /// A parser over bytes that may not be UTF-8: the check is part of the one pass (outside
    /// strings only ASCII is valid JSON anyway; inside strings every non-ASCII sequence is
    /// checked where it stands), so invalid UTF-8 anywhere is an error, as with [`validate_bytes`].
    pub fn from_utf8(bytes: &'a [u8]) -> Self {
        Parser { text: None, bytes, pos: 0 }
    }

    /// The text between two offsets (both on token boundaries, so on char boundaries).
    #[inline]
    fn str_at(&self, start: usize, end: usize) -> &'a str {
        let s = match self.text {
            Some(t) => t.get(start..end),
            // Checked while scanning; checked again here (short tokens) rather than trusted.
            None => self.bytes.get(start..end).and_then(|b| std::str::from_utf8(b).ok()),
        };
        debug_assert!(s.is_some(), "a token's offsets are not on char boundaries: {start}..{end}");
        s.unwrap_or("")
    }

    fn err<T>(&self, what: &'static str) -> Result<T, JsonError> {
        Err(JsonError { offset: self.pos, what })
    }

    /// Skips JSON white space (space, tab, CR, LF only).
    #[inline(always)]
    pub fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The text between two offsets of this parser's input.
    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        self.str_at(start, end)
    }

    /// The next byte, if any.
    #[inline(always)]
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Succeeds when only white space remains.
    pub fn finish(&mut self) -> Result<(), JsonError> {
        self.ws();
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            self.err("unexpected text after the JSON value")
        }
    }

    #[inline(always)]
    fn expect(&mut self, b: u8, what: &'static str) -> Result<(), JsonError> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(what)
        }
    }

    /// Reads a string token at the cursor; returns its raw content and whether it has escapes.
    pub fn raw_string(&mut self) -> Result<(&'a str, bool), JsonError> {
        let start = self.pos + 1;
        let (_, escaped) = self.string_bytes()?;
        // The token was checked: its content ends right before the closing quote.
        Ok((self.str_at(start, self.pos - 1), escaped))
    }

    /// Checks and skips a string token at the cursor; returns whether it has escapes.
    #[inline(always)]
    fn skip_string(&mut self) -> Result<bool, JsonError> {
        self.expect(b'"', "expected a string")?;
        let mut escaped = false;
        loop {
            self.skip_plain();
            let Some(&b) = self.bytes.get(self.pos) else {
                return self.err("unterminated string");
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(escaped);
                }
                b'\\' => {
                    escaped = true;
                    match self.bytes.get(self.pos + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 2,
                        Some(b'u') => {
                            let hex = self.bytes.get(self.pos + 2..self.pos + 6);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                self.pos += 1;
                                return self.err("invalid \\u escape");
                            }
                            self.pos += 6;
                        }
                        _ => {
                            self.pos += 1;
                            return self.err("invalid escape");
                        }
                    }
                }
                0..=0x1f => return self.err("control character in string"),
                0x80.. if self.text.is_none() => {
                    // One UTF-8 sequence, checked by the standard library (overlong forms,
                    // surrogates and out-of-range code points are refused).
                    let len = match b {
                        0xC2..=0xDF => 2,
                        0xE0..=0xEF => 3,
                        0xF0..=0xF4 => 4,
                        _ => 0,
                    };
                    match self.bytes.get(self.pos..self.pos + len) {
                        Some(seq) if len > 0 && std::str::from_utf8(seq).is_ok() => self.pos += len,
                        _ => return self.err("invalid UTF-8"),
                    }
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Moves the cursor over plain string bytes (not `"`, `\\` or a control character),
    /// eight at a time: payload text is mostly long strings.
    #[inline(always)]
    fn skip_plain(&mut self) {
        // Unchecked bytes also stop at any non-ASCII byte (its sequence is checked one by one).
        let high = if self.text.is_none() { HIGHS } else { 0 };
        while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
            let Ok(word) = <[u8; 8]>::try_from(chunk) else { return };
            let word = u64::from_le_bytes(word);
            let m = special_bytes(word) | (word & high);
            if m != 0 {
                // The lowest flagged byte is exact (borrows only flag bytes above it).
                self.pos += (m.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
    }

    /// Reads a string token and decodes its escapes.
    pub fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        let (raw, escaped) = self.raw_string()?;
        Ok(if escaped { Cow::Owned(unescape(raw)) } else { Cow::Borrowed(raw) })
    }

    /// Reads a number token; returns its text.
    pub fn number(&mut self) -> Result<&'a str, JsonError> {
        let start = self.pos;
        self.skip_number()?;
        Ok(self.str_at(start, self.pos))
    }

    /// Checks and skips a number token.
    #[inline(always)]
    fn skip_number(&mut self) -> Result<(), JsonError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return self.err("invalid number"),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return self.err("invalid number: digit expected after '.'");
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return self.err("invalid number: digit expected in exponent");
            }
            self.digits();
        }
        Ok(())
    }

    #[inline(always)]
    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &'static str) -> Result<(), JsonError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            self.err("invalid literal")
        }
    }

    fn scalar_token(&mut self) -> Result<Scalar<'a>, JsonError> {
        match self.peek() {
            Some(b'"') => Ok(Scalar::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => Ok(Scalar::Number(self.number()?)),
            Some(b't') => self.literal("true").map(|_| Scalar::Bool(true)),
            Some(b'f') => self.literal("false").map(|_| Scalar::Bool(false)),
            Some(b'n') => self.literal("null").map(|_| Scalar::Null),
            Some(_) => self.err("expected a JSON value"),
            None => self.err("unexpected end of text"),
        }
    }

    /// Reads the value at the cursor (after white space): scalars are returned, containers
    /// are validated and skipped.
    pub fn scalar(&mut self) -> Result<Scalar<'a>, JsonError> {
        self.ws();
        match self.peek() {
            Some(b'{' | b'[') => self.skip_value().map(|_| Scalar::Container),
            _ => self.scalar_token(),
        }
    }

    /// Validates and skips one value (after white space), without recursion.
    pub fn skip_value(&mut self) -> Result<(), JsonError> {
        let mut stack = Closers::default();
        'value: loop {
            self.ws();
            match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                    } else {
                        stack.push(b'}');
                        self.member_key()?;
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                    } else {
                        stack.push(b']');
                        continue 'value;
                    }
                }
                // Skipped strings and numbers are checked, never decoded or sliced.
                Some(b'"') => {
                    self.skip_string()?;
                }
                Some(b'-' | b'0'..=b'9') => self.skip_number()?,
                _ => {
                    self.scalar_token()?;
                }
            }
            // After a complete value: close containers or move to the next element.
            loop {
                let Some(close) = stack.last() else { return Ok(()) };
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if close == b'}' {
                            self.ws();
                            self.member_key()?;
                        }
                        continue 'value;
                    }
                    Some(b) if b == close => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => return self.err("expected ',' or a closing bracket"),
                }
            }
        }
    }

    /// Reads `"key" :` (cursor on the key's quote).
    #[inline(always)]
    fn member_key(&mut self) -> Result<(), JsonError> {
        self.skip_string()?;
        self.ws();
        self.expect(b':', "expected ':' after an object key")
    }

    /// Reads a string token: its bytes as scanned (checked as UTF-8 on the way when the input
    /// is bytes) and whether it has escapes. The one place strings are scanned when read (keys
    /// and values), so the scanning code is in the module once.
    #[inline(never)]
    fn string_bytes(&mut self) -> Result<(&'a [u8], bool), JsonError> {
        let start = self.pos + 1;
        let escaped = self.skip_string()?;
        Ok((self.bytes.get(start..self.pos - 1).unwrap_or(&[]), escaped))
    }

    /// Walks an object at the cursor (after white space), calling `member(parser, key)` with
    /// the cursor on each member's value; `member` must consume that value. The cursor must be
    /// on `{`.
    pub fn object(&mut self, mut member: impl FnMut(&mut Parser<'a>, &[u8]) -> Result<(), JsonError>) -> Result<(), JsonError> {
        self.items(Bracket::OBJECT, |p| {
            // Keys are compared with names, never kept: their bytes as scanned (and checked),
            // decoded only when they have escapes.
            let (raw, escaped) = p.string_bytes()?;
            let unescaped;
            let key = if escaped {
                unescaped = unescape_bytes(raw);
                unescaped.as_bytes()
            } else {
                raw
            };
            p.ws();
            p.expect(b':', "expected ':' after an object key")?;
            p.ws();
            member(p, key)
        })
    }

    /// Walks an array at the cursor (after white space), calling `item(parser)` with the
    /// cursor on each value; `item` must consume it. The cursor must be on `[`.
    pub fn array(&mut self, item: impl FnMut(&mut Parser<'a>) -> Result<(), JsonError>) -> Result<(), JsonError> {
        self.items(Bracket::ARRAY, item)
    }

    /// An object's or an array's items between its brackets, separated by commas: `item` is
    /// called with the cursor on each (after white space) and must consume it.
    #[inline(always)]
    fn items(&mut self, b: Bracket, mut item: impl FnMut(&mut Parser<'a>) -> Result<(), JsonError>) -> Result<(), JsonError> {
        self.ws();
        self.expect(b.open, b.expected)?;
        self.ws();
        if self.peek() == Some(b.close) {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws();
            item(self)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == b.close => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return self.err(b.separator),
            }
        }
    }
}

/// An object's or an array's brackets, and what a parse error says of them.
struct Bracket {
    open: u8,
    close: u8,
    expected: &'static str,
    separator: &'static str,
}

impl Bracket {
    const OBJECT: Bracket = Bracket { open: b'{', close: b'}', expected: "expected an object", separator: "expected ',' or '}' in object" };
    const ARRAY: Bracket = Bracket { open: b'[', close: b']', expected: "expected an array", separator: "expected ',' or ']' in array" };
}

/// The closing brackets [`Parser::skip_value`] waits for, innermost last: the first 64 levels
/// as bits of a word (skipping a small object allocates nothing), deeper ones on the heap.
#[derive(Default)]
struct Closers {
    depth: usize,
    /// Bit `i` set: level `i` is an object.
    bits: u64,
    deeper: Vec<bool>,
}

impl Closers {
    #[inline(always)]
    fn push(&mut self, close: u8) {
        let object = close == b'}';
        if self.depth < 64 {
            self.bits = (self.bits & !(1 << self.depth)) | ((object as u64) << self.depth);
        } else {
            self.deeper.push(object);
        }
        self.depth += 1;
    }

    #[inline(always)]
    fn last(&self) -> Option<u8> {
        let object = match self.depth {
            0 => return None,
            d @ 1..=64 => self.bits & (1 << (d - 1)) != 0,
            _ => *self.deeper.last()?,
        };
        Some(if object { b'}' } else { b']' })
    }

    #[inline(always)]
    fn pop(&mut self) {
        if self.depth > 64 {
            self.deeper.pop();
        }
        self.depth = self.depth.saturating_sub(1);
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `x` (little-endian) that is `"`, `\\` or below 0x20, and
/// possibly in bytes above the first such one (the classic SWAR zero-byte test).
#[inline(always)]
fn special_bytes(x: u64) -> u64 {
    let quote = x ^ (ONES * b'"' as u64);
    let slash = x ^ (ONES * b'\\' as u64);
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    (zero(quote) | zero(slash) | (x.wrapping_sub(ONES * 0x20) & !x)) & HIGHS
}

/// [`unescape`] on a key's scanned bytes (valid UTF-8: the scan checked them).
#[inline(never)]
fn unescape_bytes(raw: &[u8]) -> String {
    std::str::from_utf8(raw).map(unescape).unwrap_or_default()
}

/// Decodes the escapes of a validated raw string. Lone surrogates become U+FFFD.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let b = raw.as_bytes();
    let mut i = 0;
    let mut run = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(raw.get(run..i).unwrap_or(""));
        let c = b[i + 1];
        i += 2;
        match c {
            b'u' => {
                let hi = hex4(&b[i..i + 4]);
                i += 4;
                let ch = if (0xD800..0xDC00).contains(&hi)
                    && b.get(i) == Some(&b'\\')
                    && b.get(i + 1) == Some(&b'u')
                    && b.len() >= i + 6
                    && (0xDC00..0xE000).contains(&hex4(&b[i + 2..i + 6]))
                {
                    let lo = hex4(&b[i + 2..i + 6]);
                    i += 6;
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                } else {
                    char::from_u32(hi)
                };
                out.push(ch.unwrap_or('\u{FFFD}'));
            }
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            other => out.push(other as char),
        }
        run = i;
    }
    out.push_str(raw.get(run..).unwrap_or(""));
    out
}

fn hex4(h: &[u8]) -> u32 {
    h.iter().fold(0, |acc, &d| acc * 16 + (d as char).to_digit(16).unwrap_or(0))
}

/// Writes `s` as a JSON string literal (quotes, backslashes and control characters escaped).
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or(""));
        match esc {
            Some(e) => out.push_str(e),
            None => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or(""));
    out.push('"');
}

/// Validates a whole JSON text.
pub fn validate(text: &str) -> Result<(), JsonError> {
    let mut p = Parser::new(text);
    p.skip_value()?;
    p.finish()
}

/// Validates JSON given as bytes, UTF-8 included (in the same pass).
pub fn validate_bytes(bytes: &[u8]) -> Result<(), JsonError> {
    let mut p = Parser::from_utf8(bytes);
    p.skip_value()?;
    p.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_test_finds_exactly_the_first_special_byte() {
        for pos in 0..8 {
            for b in 0..=255u8 {
                for filler in [b'a', 0xC3, b' '] {
                    let mut w = [filler; 8];
                    w[pos] = b;
                    let m = special_bytes(u64::from_le_bytes(w));
                    let special = b == b'"' || b == b'\\' || b < 0x20;
                    assert_eq!(m != 0, special, "byte {b:#x} at {pos}");
                    if special {
                        assert_eq!(m.trailing_zeros() / 8, pos as u32);
                    }
                }
            }
        }
    }

    /// Escapes inside strings are stepped over exactly (the cursor lands right after each), and
    /// long plain runs are skipped whole, as text and as bytes.
    #[test]
    fn strings_with_escapes_and_long_runs() {
        let long = "x".repeat(37);
        let text = format!(r#"["a\"b", "\\", "\u0041z\u00e9", "{long}", "{long}\n{long}", 7]"#);
        for bytes in [false, true] {
            let mut seen = Vec::new();
            let mut p = if bytes { Parser::from_utf8(text.as_bytes()) } else { Parser::new(&text) };
            assert_eq!(
                p.array(|p| {
                    seen.push(p.scalar()?);
                    Ok(())
                }),
                Ok(())
            );
            assert_eq!(p.finish(), Ok(()));
            let want = [
                Scalar::String("a\"b".into()),
                Scalar::String("\\".into()),
                Scalar::String("Azé".into()),
                Scalar::String(long.clone().into()),
                Scalar::String(format!("{long}\n{long}").into()),
                Scalar::Number("7"),
            ];
            assert_eq!(seen, want, "bytes: {bytes}");
        }
    }

    /// Keys and skipped values step over their escapes exactly (`skip_string`: the cursor lands
    /// right after `\"` and `\u0041`), so the member after them reads right.
    #[test]
    fn escaped_keys_and_skipped_strings() {
        let text = r#"{"a\"b": "x\"y\u0041z", "\u0063": [1, "\\"], "d": 2}"#;
        for bytes in [false, true] {
            let mut keys = Vec::new();
            let mut d = None;
            let mut p = if bytes { Parser::from_utf8(text.as_bytes()) } else { Parser::new(text) };
            let walked = p.object(|p, key| {
                keys.push(String::from_utf8_lossy(key).into_owned());
                if key == b"d" {
                    d = Some(p.scalar()?);
                    Ok(())
                } else {
                    p.skip_value()
                }
            });
            assert_eq!(walked, Ok(()));
            assert_eq!(p.finish(), Ok(()));
            assert_eq!(keys, ["a\"b", "c", "d"], "bytes: {bytes}");
            assert_eq!(d, Some(Scalar::Number("2")));
        }
    }

    #[test]
    fn array_walk_and_errors() {
        let mut seen = Vec::new();
        let mut p = Parser::new(r#" [ 1 , "a\u0041", null, [2], {"x":1} ] "#);
        assert_eq!(
            p.array(|p| {
                seen.push(p.scalar()?);
                Ok(())
            }),
            Ok(())
        );
        assert_eq!(seen, [Scalar::Number("1"), Scalar::String("aA".into()), Scalar::Null, Scalar::Container, Scalar::Container]);
        assert_eq!(p.finish(), Ok(()));
        // An empty array is stepped over whole: nested ones, and nothing left after it.
        let mut empty = Parser::new("[]");
        assert_eq!(empty.array(|_| panic!("no items")), Ok(()));
        assert_eq!(empty.finish(), Ok(()));
        let mut items = 0;
        let mut nested = Parser::new("[[], [] ,[]]");
        assert_eq!(
            nested.array(|p| {
                items += 1;
                p.array(|_| panic!("no items"))
            }),
            Ok(())
        );
        assert_eq!((items, nested.finish()), (3, Ok(())));
        for bad in ["[1 2]", "[1,", "{}", "[", "[1,]"] {
            assert!(Parser::new(bad).array(|p| p.skip_value()).is_err(), "{bad}");
        }
    }

    #[test]
    fn unescapes() {
        assert_eq!(unescape(r#"a\"b\\c\/d\n\u0041\u00e9\ud83d\ude00"#), "a\"b\\c/d\nAé😀");
        assert_eq!(unescape(r"\ud800x"), "\u{FFFD}x");
        assert_eq!(unescape(r"\udc00"), "\u{FFFD}");
        // A high surrogate pairs only with a `\u` escape of a low one right after it: another
        // escape, or a low surrogate's digits without `\u`, leave it lone.
        assert_eq!(unescape(r"\ud83d\nabcd"), "\u{FFFD}\nabcd");
        assert_eq!(unescape(r"\ud83dabdc00"), "\u{FFFD}abdc00");
        assert_eq!(unescape(r"\ud83d\u0041"), "\u{FFFD}A");
        // After a pair, the cursor is right after its second escape.
        assert_eq!(unescape(r"\ud83d\ude00x\n"), "\u{1F600}x\n");
    }

    #[test]
    fn writes_string_literals() {
        let mut out = String::from("=");
        write_string(&mut out, "a\"b\\c/d\ne\rf\tg\u{1}h\u{1f}i\u{7f}é😀");
        assert_eq!(out, "=\"a\\\"b\\\\c/d\\ne\\rf\\tg\\u0001h\\u001fi\u{7f}é😀\"");
        let mut plain = String::new();
        write_string(&mut plain, "");
        assert_eq!(plain, r#""""#);
        // What it writes reads back as the same string.
        let mut p = Parser::new(&out[1..]);
        assert_eq!(p.scalar(), Ok(Scalar::String("a\"b\\c/d\ne\rf\tg\u{1}h\u{1f}i\u{7f}é😀".into())));
    }

    #[test]
    fn object_walk_and_errors() {
        let mut p = Parser::new(r#" { "a" : 1 , "b\u0041" : [1,{"x":[]}], "c": "s" } "#);
        let mut seen = vec![];
        p.object(|p, k| {
            seen.push((String::from_utf8_lossy(k).into_owned(), p.scalar()?));
            Ok(())
        })
        .unwrap();
        p.finish().unwrap();
        assert_eq!(seen[0], ("a".into(), Scalar::Number("1")));
        assert_eq!(seen[1], ("bA".into(), Scalar::Container));
        assert_eq!(seen[2], ("c".into(), Scalar::String("s".into())));
        for bad in ["{", "{\"a\"}", "{\"a\":1,}", "[1,]", "01", "1.", "-", "\"\t\"", "nul", "{} x", "\u{feff}{}"] {
            assert!(validate(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(100_000);
        assert!(validate(&deep).is_err());
        let deep_ok = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(validate(&deep_ok).is_ok());
    }

    #[test]
    fn mixed_nesting_across_the_word_of_closers() {
        // Objects and arrays alternating at depths around 64 (where the closers move from
        // the bits of a word to the heap): each level must close with its own bracket.
        for depth in [1, 63, 64, 65, 66, 130] {
            let open: String = (0..depth).map(|i| if i % 3 == 0 { "{\"k\":" } else { "[0," }).collect();
            let close: String = (0..depth).rev().map(|i| if i % 3 == 0 { "}" } else { "]" }).collect();
            assert!(validate(&format!("{open}1{close}")).is_ok(), "depth {depth}");
            for wrong in 0..depth {
                let mut bad: Vec<u8> = close.clone().into_bytes();
                let at = depth - 1 - wrong;
                bad[wrong] = if bad[wrong] == b'}' { b']' } else { b'}' };
                let text = format!("{open}1{}", String::from_utf8(bad).unwrap());
                assert!(validate(&text).is_err(), "depth {depth}, level {at} closed wrong");
                assert!(validate_bytes(text.as_bytes()).is_err());
            }
        }
    }
}
