import type { StringKey } from '../strings.js';

/**
 * A translation: every sentence of the English catalog (src/strings.ts and the parts'
 * sentences, src/parts/*-strings.ts), under the same keys, with the same `{placeholders}`.
 * A sentence may pick its words by a number with an ICU plural, e.g.
 * `{count, plural, one {# new message} other {# new messages}}` (`#` is the number, the
 * categories are those of `Intl.PluralRules` for the language).
 */
export type Catalog = Record<StringKey, string>;
