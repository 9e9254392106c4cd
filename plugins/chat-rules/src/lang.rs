//! The language of the texts a messenger task's run writes (log lines, the summary,
//! problems), as the host asks for it ([`exchange_sdk::Context::locale`]): Russian unless the
//! host asks for English.

use exchange_sdk::Context;

/// A language of the plugins' texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// The language the host asked the run's texts in.
    pub fn of(ctx: &Context<'_>) -> Lang {
        Lang::of_locale(ctx.locale())
    }

    /// The language of a locale the host passes (`en`, `ru`, or `""` when it does not say):
    /// English for `en…`, else Russian.
    pub fn of_locale(locale: &str) -> Lang {
        if locale.starts_with("en") {
            Lang::En
        } else {
            Lang::Ru
        }
    }

    /// The text in this language, of the English and the Russian one.
    pub fn pick(self, en: String, ru: String) -> String {
        match self {
            Lang::En => en,
            Lang::Ru => ru,
        }
    }
}
