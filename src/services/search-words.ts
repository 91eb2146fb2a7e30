/**
 * What a shopper's search words mean: the full-text query they become,
 * with the word being typed matched as a prefix, and, when the words as
 * typed find nothing, the same words with typos corrected from the
 * catalog's own vocabulary (catalog_words: the stems of every name and
 * description, behind a trigram index).
 */
import { queryRows } from '../db.js';

/** A search as tsquery text (lexemes already stemmed), bound as a constant so the planner sees the words. */
export interface SearchMatch {
  tsquery: string;
}

/** The words as typed: their tsquery, and their stems in order (for correcting typos). */
export interface TypedSearch extends SearchMatch {
  stems: string[];
  /** The last word is being typed (see `typing`). */
  typing: boolean;
}

/** A word being typed becomes the catalog words it begins, when there are at most this many. */
const MAX_COMPLETIONS = 20;
/** Up to this many catalog words stand in for a word that finds nothing. */
const ALTERNATIVES_PER_WORD = 3;
/** pg_trgm similarity a catalog word needs to stand in for a typed word (0 to 1). */
const MIN_SIMILARITY = 0.4;
/** Words shorter than this are never corrected: they share too few trigrams to tell a typo from another word. */
const MIN_CORRECTED_LENGTH = 4;
/** Corrections are catalog words at least this long (the trigram index holds only those, see catalog_words). */
const MIN_CORRECTION_LENGTH = 5;

/**
 * True while the last word is still being typed: the text ends in a letter
 * or digit, outside quotes, and the word is not excluded with `-`.
 */
function typing(q: string): boolean {
  const lastWord = q.split(/\s+/).pop() ?? '';
  return /[\p{L}\p{N}]$/u.test(q) && !lastWord.startsWith('-') && (q.match(/"/g)?.length ?? 0) % 2 === 0;
}

/** True when the words use no web-search syntax (quotes, `or`, `-word`): only then are typos corrected. */
const plainWords = (q: string): boolean => !/"|(^|\s)-|(^|\s)or(\s|$)/i.test(q);

/** Quotes a lexeme for tsquery text. */
const lexeme = (word: string): string => `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * The words as typed: web-search syntax (quoted phrases, `or`, `-word`) and
 * English stemming; while the last word is being typed it also matches as a
 * prefix (`headph` finds headphones). That prefix becomes the catalog words
 * it begins when they are few: the full-text index finds an alternative of
 * whole words by skipping through its lists, where a prefix beside a common
 * word reads them all (2 ms instead of 20 ms for "wireless headph" at 1M
 * products). A prefix shorter than three letters, with digits, or beginning
 * many words stays a prefix (`:*`). Undefined when no word is left (only
 * stop words).
 */
export async function typedMatch(q: string): Promise<TypedSearch | undefined> {
  const [row] = await queryRows<{ query: string; stem: string | null; completions: string[] | null }>(
    `SELECT q.query, w.stem, (
         SELECT array_agg(c.word ORDER BY c.word) FROM (
           SELECT word FROM catalog_words WHERE word >= w.stem AND word < w.stem || chr(1114111)
            ORDER BY word LIMIT $2) c
          WHERE w.stem ~ '^[[:alpha:]]{3,}$') AS completions
       FROM (SELECT websearch_to_tsquery('english', $1)::text AS query) q,
            LATERAL (SELECT (regexp_match(q.query, $3))[1] AS stem) w`,
    // The text form ends with the last word's quoted lexeme: $3 finds it.
    [q, MAX_COMPLETIONS + 1, "'([^']+)'$"],
  );
  if (!row?.query) return undefined;
  const stems = [...new Set([...row.query.matchAll(/'((?:[^']|'')+)'/g)].map(([, stem]) => stem!.replace(/''/g, "'")))];
  const typed = typing(q) && row.stem !== null;
  if (!typed) return { tsquery: row.query, stems, typing: false };
  const completions = row.completions ?? [];
  const last =
    completions.length > 0 && completions.length <= MAX_COMPLETIONS
      ? `(${completions.map(lexeme).join(' | ')})`
      : `${lexeme(row.stem!)}:*`;
  return { tsquery: row.query.slice(0, row.query.length - lexeme(row.stem!).length) + last, stems, typing: true };
}

/**
 * The query behind correctedMatch: per stem, in order, whether a catalog
 * word is (or, for the word being typed, begins with) it, and its nearest
 * catalog words: a nearest-neighbour walk of the trigram index (GiST, `<->`)
 * that stops after ALTERNATIVES_PER_WORD words, whatever the vocabulary's
 * size (exported for the plan tests).
 */
export function correctionsStatement(stems: string[], typed: boolean): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}::text`;
  };
  const branches = stems.map((stem, i) => {
    const word = param(stem);
    const upTo = typed && i === stems.length - 1 ? `${word} || chr(1114111)` : word;
    const corrections =
      [...stem].length < MIN_CORRECTED_LENGTH
        ? `'{}'::text[]`
        : `ARRAY(SELECT near.word FROM (
                   SELECT c.word FROM catalog_words c
                    WHERE char_length(c.word) >= ${MIN_CORRECTION_LENGTH} AND c.word <> ${word}
                    ORDER BY c.word <-> ${word} LIMIT ${ALTERNATIVES_PER_WORD}) near
                  WHERE similarity(near.word, ${word}) >= ${MIN_SIMILARITY})`;
    return `SELECT ${i} AS position, EXISTS (SELECT 1 FROM catalog_words WHERE word >= ${word} AND word <= ${upTo}) AS known,
              ${corrections} AS corrections`;
  });
  return { text: `${branches.join('\nUNION ALL\n')}\nORDER BY position`, values };
}

/**
 * The words with typos corrected: each word of four or more letters may also
 * be any of its (up to three) nearest catalog words of five or more letters
 * by trigram similarity, and a word no product has is replaced by them, so
 * `wireles hedphones` searches wireless & headphon. Undefined when the words
 * use web-search syntax, or a word is unknown and has no correction. One
 * query on catalog_words, whose size follows the shop's vocabulary rather
 * than its product count (0.1 ms a word at 1M products).
 */
export async function correctedMatch(q: string, typed: TypedSearch): Promise<SearchMatch | undefined> {
  if (!plainWords(q) || typed.stems.length === 0) return undefined;
  const { text, values } = correctionsStatement(typed.stems, typed.typing);
  const found = await queryRows<{ known: boolean; corrections: string[] }>(text, values);
  if (!found.some((word) => word.corrections.length > 0)) return undefined;
  const last = typed.stems.length - 1;
  const terms = typed.stems.map((stem, i) => {
    // catalog_words holds every alphabetic stem of the catalog: one missing there is in no product.
    const absent = /^\p{L}{3,}$/u.test(stem) && !found[i]!.known;
    const own = absent ? [] : [lexeme(stem) + (typed.typing && i === last ? ':*' : '')];
    return [...own, ...found[i]!.corrections.map(lexeme)];
  });
  if (terms.some((alternatives) => alternatives.length === 0)) return undefined;
  return { tsquery: terms.map((alternatives) => `(${alternatives.join(' | ')})`).join(' & ') };
}
