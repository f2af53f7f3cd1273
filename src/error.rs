//! The stable codes every error of the module carries, in one place: the enum the core's errors
//! answer `code()` with, the text JS sees in `error.code`, and the TypeScript union of them
//! (generated here, shipped in the `.d.ts`).

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $text:literal,)*) => {
        /// An error code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The text of `error.code` in JS.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }

        /// The TypeScript union of every code (the `.d.ts` carries it).
        pub const TS_ERROR_CODES: &str = concat!(
            "\n/** Errors thrown by this module are `Error`s with one of these stable codes. */\nexport type ModashFlowErrorCode =",
            $(" | '", $text, "'",)*
            ";\nexport interface ModashFlowError extends Error { code: ModashFlowErrorCode }\n"
        );
    };
}

codes! {
    /// A platform name that is not instagram, tiktok or youtube (or an alias of one).
    UnsupportedPlatform = "UNSUPPORTED_PLATFORM",
    /// A TTL that is not a finite number of milliseconds in range.
    InvalidTtl = "INVALID_TTL",
    /// A use case other than roster, discovery or bulkRefresh.
    InvalidUseCase = "INVALID_USE_CASE",
    /// An argument of the wrong kind or out of range.
    InvalidArgument = "INVALID_ARGUMENT",
    /// A retry or gate option that is out of range or of the wrong kind.
    InvalidOption = "INVALID_OPTION",
    /// Notes the write path cannot read, so it refuses rather than replace them.
    NotesUnreadable = "NOTES_UNREADABLE",
    /// Text given as a Modash report that is not JSON, or not an object with a `profile` object.
    NotAReport = "NOT_A_REPORT",
    /// A request gate already holds `maxQueued` waiting requests.
    QueueFull = "QUEUE_FULL",
    /// A gated request did not settle within its `timeoutMs`.
    Timeout = "TIMEOUT",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typescript_union_lists_every_code_once() {
        for c in Code::ALL {
            assert_eq!(TS_ERROR_CODES.matches(&format!("'{}'", c.as_str())).count(), 1, "{c:?}");
        }
        assert!(TS_ERROR_CODES.contains("export type ModashFlowErrorCode = | 'UNSUPPORTED_PLATFORM'"));
    }
}
